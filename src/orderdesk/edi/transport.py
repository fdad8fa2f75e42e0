"""The file-drop gateway: one folder per trading partner, run by `orderdesk edi poll`.

Layout under the partner's root (`partner.folder`, else `VAR_DIR/edi/<code>`), each created
on demand::

    inbox/    the partner (or their VAN/SFTP account) drops X12 files here
    outbox/   what we send: 997, TA1, 855, 856, 810 (the partner picks them up)
    archive/  inbox files taken in, renamed `<UTC time>-<name>`
    error/    inbox files that could not be read at all, each with `<name>.error.txt`

A file still being written must not be taken half. The rule, for whoever writes into a
folder: write under a name starting with "." or ending in `.tmp` / `.part`, then rename it
to its final name (a rename is atomic on one file system). Names like that are never taken,
and a file modified in the last `EDI_DROP_SETTLE_SECONDS` (default 2) is left for the next
poll as well, for writers that do not rename. We write our own outbox files the same way.

Two pollers never take the same file: a poller first renames it to `.processing-<token>-<name>`
(the rename succeeds for one of them only). A `.processing-` file older than
`EDI_DROP_STALE_SECONDS` (default 600) was left by a poller that died; it is taken again,
which is harmless because the interchange control number claim makes a repeat a duplicate.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings

from .errors import EdiInvalid
from .models import TradingPartner

log = logging.getLogger(__name__)

IN_PROGRESS_SUFFIXES = (".tmp", ".part")
PROCESSING_PREFIX = ".processing-"


@dataclass(frozen=True)
class Folders:
    root: Path
    inbox: Path
    outbox: Path
    archive: Path
    error: Path


@dataclass
class PollResult:
    files: int = 0  # files taken (archived + errored)
    archived: int = 0
    errored: int = 0
    skipped: int = 0  # too fresh or still being written; taken next time
    interchanges: int = 0
    documents: int = 0
    orders: int = 0
    lines: list[str] = field(default_factory=list)  # one per file, for the command


def partner_root(partner: TradingPartner) -> Path:
    if partner.folder:
        return Path(partner.folder)
    return Path(settings.VAR_DIR) / "edi" / partner.code


def partner_folders(partner: TradingPartner, *, create: bool = True) -> Folders:
    root = partner_root(partner)
    folders = Folders(
        root=root,
        inbox=root / "inbox",
        outbox=root / "outbox",
        archive=root / "archive",
        error=root / "error",
    )
    if create:
        for p in (folders.inbox, folders.outbox, folders.archive, folders.error):
            p.mkdir(parents=True, exist_ok=True)
    return folders


def _atomic_write(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    part = folder / f".{name}.{uuid.uuid4().hex[:8]}.part"
    with open(part, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    final = folder / name
    os.replace(part, final)
    return final


def outbox_file_write(partner: TradingPartner, name: str, text: str) -> Path:
    """Put one file in the partner's outbox, whole or not at all (written aside, renamed).

    A file of the same name is replaced: names carry the ISA13, which is never reused."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise ValueError(f"not a plain outbox file name: {name!r}")
    return _atomic_write(partner_folders(partner).outbox, name, text.encode("utf-8"))


def _settle_seconds() -> float:
    return float(getattr(settings, "EDI_DROP_SETTLE_SECONDS", 2.0))


def _stale_seconds() -> float:
    return float(getattr(settings, "EDI_DROP_STALE_SECONDS", 600.0))


def _takeable(path: Path, now: float, settle: float) -> bool:
    name = path.name
    if not path.is_file():
        return False
    if name.startswith(PROCESSING_PREFIX):
        return now - path.stat().st_mtime >= _stale_seconds()
    if name.startswith(".") or name.endswith(IN_PROGRESS_SUFFIXES):
        return False
    return now - path.stat().st_mtime >= settle


def _original_name(path: Path) -> str:
    name = path.name
    if name.startswith(PROCESSING_PREFIX):
        # .processing-<token>-<name>
        return name[len(PROCESSING_PREFIX) :].split("-", 1)[-1]
    return name


def _claim(path: Path) -> Path | None:
    """Rename the file to a name only this poller knows; None when another took it first."""
    target = path.with_name(f"{PROCESSING_PREFIX}{uuid.uuid4().hex[:12]}-{_original_name(path)}")
    try:
        os.rename(path, target)
    except FileNotFoundError:
        return None
    os.utime(target)  # a fresh mtime: the stale rule counts from the claim
    return target


def _free_name(folder: Path, name: str) -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    candidate = folder / f"{stamp}-{name}"
    n = 1
    while candidate.exists():
        n += 1
        candidate = folder / f"{stamp}-{n}-{name}"
    return candidate


def _take_file(partner: TradingPartner, folders: Folders, path: Path, result: PollResult) -> None:
    from .inbound import interchange_file_receive

    claimed = _claim(path)
    if claimed is None:
        return
    name = _original_name(claimed)
    result.files += 1
    try:
        received = interchange_file_receive(
            path=claimed, source=f"drop:{partner.code}/{name}", partner=partner
        )
    except EdiInvalid as exc:
        target = _free_name(folders.error, name)
        os.replace(claimed, target)
        target.with_name(target.name + ".error.txt").write_text(
            f"{exc.message}\n{exc.fix or ''}\n", encoding="utf-8"
        )
        result.errored += 1
        result.lines.append(f"{partner.code} {name} -> error/{target.name}: {exc.message}")
        return
    except Exception as exc:  # an unexpected failure must not lose the file
        log.exception("EDI drop file %s of %s failed", name, partner.code)
        target = _free_name(folders.error, name)
        os.replace(claimed, target)
        target.with_name(target.name + ".error.txt").write_text(
            f"internal error: {type(exc).__name__}: {exc}\n", encoding="utf-8"
        )
        result.errored += 1
        result.lines.append(f"{partner.code} {name} -> error/{target.name}: internal error")
        return
    target = _free_name(folders.archive, name)
    os.replace(claimed, target)
    result.archived += 1
    result.interchanges += len(received.interchanges)
    result.documents += len(received.documents)
    result.orders += len(received.orders)
    result.lines.append(f"{partner.code} {name} -> archive/{target.name}: {received.summary()}")


def dropbox_poll(
    *, partner: TradingPartner | None = None, settle_seconds: float | None = None
) -> PollResult:
    """Take in every settled file in the inbox of one partner (or of every active partner)."""
    settle = _settle_seconds() if settle_seconds is None else settle_seconds
    partners = (
        [partner]
        if partner is not None
        else list(TradingPartner.objects.filter(active=True).order_by("code"))
    )
    result = PollResult()
    for p in partners:
        folders = partner_folders(p)
        now = time.time()
        for path in sorted(folders.inbox.iterdir()):
            if not _takeable(path, now, settle):
                if path.is_file() and not path.name.startswith(PROCESSING_PREFIX):
                    result.skipped += 1
                continue
            _take_file(p, folders, path, result)
    return result


def poll_command(*, partner: str, watch: bool, interval: float, out: TextIO | Any) -> None:
    """`orderdesk edi poll [--partner CODE] [--watch] [--interval S]`: one line per file."""
    from django.core.management.base import CommandError

    chosen: TradingPartner | None = None
    if partner:
        chosen = TradingPartner.objects.filter(code=partner).first()
        if chosen is None:
            raise CommandError(f"no trading partner with code {partner}")
    while True:
        result = dropbox_poll(partner=chosen)
        for line in result.lines:
            out.write(line + "\n")
        if not watch:
            if not result.lines:
                out.write("no files waiting\n")
            return
        try:
            time.sleep(max(interval, 0.1))
        except KeyboardInterrupt:  # pragma: no cover - interactive stop
            return
