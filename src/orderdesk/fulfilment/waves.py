"""A wave is done when none of its pick lists is still to pick, pack or ship."""

from __future__ import annotations

from typing import Any

from orderdesk.core.audit import event_record

from .models import PickList, PickListStatus, Wave, WaveStatus

_FINISHED = (PickListStatus.SHIPPED, PickListStatus.CANCELLED)


def wave_settle(*, actor: Any, wave_id: int | None) -> None:
    """Mark the wave done once every pick list in it has shipped or was cancelled.
    Caller is inside the transaction that finished the last one."""
    if wave_id is None:
        return
    if PickList.objects.filter(wave_id=wave_id).exclude(status__in=_FINISHED).exists():
        return
    wave = Wave.objects.filter(pk=wave_id, status=WaveStatus.OPEN).first()
    if wave is None:
        return
    wave.status = WaveStatus.DONE
    wave.save(update_fields=["status"])
    event_record(
        actor=actor,
        obj=wave,
        action="wave.done",
        before={"status": WaveStatus.OPEN},
        after={"status": WaveStatus.DONE},
    )
