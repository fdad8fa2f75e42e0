"""Packing: what was picked goes into packages (cartons, pallets …) with weight and size.

Everything picked is packed exactly once, by pick line and lot: the packing list and the
bill of lading are made from the packages, so a unit packed twice or left on the bench
would make them lie. Without packages given, one carton holds everything, weighed from the
items' weights. A picked list may be packed again until it ships (the old packages go).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from orderdesk.core.audit import event_record
from orderdesk.core.locks import lock_one
from orderdesk.core.numbering import number_next
from orderdesk.core.roles import Capability, require
from orderdesk.orders.models import SalesOrder

from .errors import FulfilmentConflict, FulfilmentError, FulfilmentErrorCode
from .models import Package, PackageKind, PackageLine, Pick, PickLine, PickList, PickListStatus

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class PackageContent:
    """A quantity of one pick line in a package; `lot` blank = the one lot it was picked from."""

    pick_line: int
    quantity: Decimal
    lot: str = ""


@dataclass(frozen=True, slots=True)
class PackageInput:
    weight_kg: Decimal
    contents: list[PackageContent] = field(default_factory=list)
    kind: str = PackageKind.CARTON
    length_cm: Decimal = ZERO
    width_cm: Decimal = ZERO
    height_cm: Decimal = ZERO


def _q(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _measure(value: Any, places: int, name: str, *, positive: bool) -> Decimal:
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise FulfilmentError(
            FulfilmentErrorCode.INVALID, f"{name}: {value!r} is not a number", field=name
        ) from exc
    if not d.is_finite() or d != d.quantize(Decimal(1).scaleb(-places)) or d < 0:
        raise FulfilmentError(
            FulfilmentErrorCode.INVALID,
            f"{name}: give a number ≥ 0 with at most {places} decimal places (got {value})",
            field=name,
        )
    if positive and d <= 0:
        raise FulfilmentError(
            FulfilmentErrorCode.WEIGHT_REQUIRED
            if "weight" in name
            else FulfilmentErrorCode.INVALID,
            f"{name}: a package weighs more than 0 kg",
            field=name,
            fix="weigh the package and give its weight in kg",
        )
    return d


def _picked(pl: PickList) -> tuple[dict[int, PickLine], dict[tuple[int, str], Decimal]]:
    lines = {
        ln.pk: ln
        for ln in PickLine.objects.filter(pick_list=pl).select_related("item", "order_line")
    }
    picked: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    for line_id, lot, quantity in Pick.objects.filter(pick_line__pick_list=pl).values_list(
        "pick_line_id", "lot", "quantity"
    ):
        picked[(line_id, lot)] += quantity
    return lines, dict(picked)


def _what(line: PickLine) -> str:
    return f"line {line.order_line.line_no} ({line.item.sku})"


def _one_carton(
    lines: dict[int, PickLine], picked: dict[tuple[int, str], Decimal]
) -> list[PackageInput]:
    unweighed = sorted({lines[lid].item.sku for lid, _ in picked if lines[lid].item.weight_kg <= 0})
    if unweighed:
        raise FulfilmentError(
            FulfilmentErrorCode.WEIGHT_REQUIRED,
            f"{', '.join(unweighed)} {'has' if len(unweighed) == 1 else 'have'} no weight on "
            "file: the carton cannot be weighed from the items",
            field="packages",
            fix="weigh the carton and give its weight",
        )
    weight = sum((lines[lid].item.weight_kg * q for (lid, _), q in picked.items()), ZERO)
    contents = [PackageContent(lid, q, lot) for (lid, lot), q in sorted(picked.items())]
    return [PackageInput(weight_kg=weight.quantize(Decimal("0.0001")), contents=contents)]


def _check(
    packages: list[PackageInput],
    lines: dict[int, PickLine],
    picked: dict[tuple[int, str], Decimal],
) -> list[tuple[PackageInput, Decimal, list[tuple[int, str, Decimal]]]]:
    """Every package valid and every picked (line, lot) packed exactly once."""
    lots_of: dict[int, list[str]] = defaultdict(list)
    for lid, lot in picked:
        lots_of[lid].append(lot)
    packed: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    out = []
    for n, pkg in enumerate(packages):
        where = f"packages[{n}]"
        if pkg.kind not in PackageKind.values:
            raise FulfilmentError(
                FulfilmentErrorCode.INVALID,
                f"package {n + 1}: unknown kind {pkg.kind!r}",
                field=f"{where}.kind",
                fix="one of " + ", ".join(PackageKind.values),
            )
        weight = _measure(pkg.weight_kg, 4, f"{where}.weight_kg", positive=True)
        for dim in ("length_cm", "width_cm", "height_cm"):
            _measure(getattr(pkg, dim), 2, f"{where}.{dim}", positive=False)
        if not pkg.contents:
            raise FulfilmentError(
                FulfilmentErrorCode.PACK_MISMATCH,
                f"package {n + 1} holds nothing",
                field=f"{where}.contents",
                fix="say what is in it, or leave it out",
            )
        rows: list[tuple[int, str, Decimal]] = []
        for m, c in enumerate(pkg.contents):
            spot = f"{where}.contents[{m}]"
            line = lines.get(c.pick_line)
            if line is None:
                raise FulfilmentError(
                    FulfilmentErrorCode.PICK_LINE_UNKNOWN,
                    f"package {n + 1}: pick line {c.pick_line} is not on this pick list",
                    field=f"{spot}.pick_line",
                )
            quantity = _measure(c.quantity, 4, f"{spot}.quantity", positive=False)
            if quantity <= 0:
                raise FulfilmentError(
                    FulfilmentErrorCode.QUANTITY_INVALID,
                    f"package {n + 1}: {_what(line)} needs a quantity above 0",
                    field=f"{spot}.quantity",
                )
            lot = (c.lot or "").strip()
            if not lot and len(lots_of.get(line.pk, [])) == 1:
                lot = lots_of[line.pk][0]
            elif not lot and len(lots_of.get(line.pk, [])) > 1:
                raise FulfilmentError(
                    FulfilmentErrorCode.PACK_MISMATCH,
                    f"package {n + 1}: {_what(line)} was picked from "
                    f"{', '.join(sorted(lots_of[line.pk]))}: say which lot is in this package",
                    field=f"{spot}.lot",
                )
            packed[(line.pk, lot)] += quantity
            rows.append((line.pk, lot, quantity))
        out.append((pkg, weight, rows))
    problems = []
    for key in sorted(set(picked) | set(packed)):
        lid, lot = key
        want, got = picked.get(key, ZERO), packed.get(key, ZERO)
        if want != got:
            lot_text = f" lot {lot}" if lot else ""
            problems.append(f"{_what(lines[lid])}{lot_text}: {_q(want)} picked, {_q(got)} packed")
    if problems:
        raise FulfilmentError(
            FulfilmentErrorCode.PACK_MISMATCH,
            "pack everything picked exactly once: " + "; ".join(problems),
            field="packages",
            fix="put each picked unit in one package",
        )
    return out


def pick_list_pack(
    *, actor: Any, pick_list: PickList, packages: list[PackageInput] | None
) -> list[Package]:
    """Pack a picked pick list; returns its packages. `packages=None`: one carton with
    everything, weighed from the items (refused when an item has no weight: weigh it)."""
    require(actor, Capability.WAREHOUSE_OPS)
    now = timezone.now()
    with transaction.atomic():
        lock_one(SalesOrder.objects.filter(pk=pick_list.order_id))
        pl = lock_one(PickList.objects.filter(pk=pick_list.pk))
        if pl.status not in (PickListStatus.PICKED, PickListStatus.PACKED):
            raise FulfilmentConflict(
                FulfilmentErrorCode.WRONG_STATUS,
                f"pick list {pl.number} is {pl.get_status_display().lower()}: only a picked "
                "list can be packed",
                field="status",
                fix="confirm the picks first" if pl.status == PickListStatus.OPEN else None,
            )
        lines, picked = _picked(pl)
        if not picked:
            raise FulfilmentError(
                FulfilmentErrorCode.NOTHING_TO_PACK,
                f"nothing was picked on {pl.number}",
                field="packages",
            )
        plan = _check(
            packages if packages is not None else _one_carton(lines, picked), lines, picked
        )
        old = list(Package.objects.filter(pick_list=pl, shipment__isnull=True))
        if old:
            Package.objects.filter(pk__in=[p.pk for p in old]).delete()
        made: list[Package] = []
        package_lines: list[PackageLine] = []
        for pkg, weight, rows in plan:
            package = Package.objects.create(
                pick_list=pl,
                number=number_next(doc_type="package"),
                kind=pkg.kind,
                weight_kg=weight,
                length_cm=Decimal(str(pkg.length_cm)),
                width_cm=Decimal(str(pkg.width_cm)),
                height_cm=Decimal(str(pkg.height_cm)),
                created_at=now,
            )
            made.append(package)
            package_lines += [
                PackageLine(package=package, pick_line_id=lid, lot=lot, quantity=q)
                for lid, lot, q in rows
            ]
        PackageLine.objects.bulk_create(package_lines)
        before = pl.status
        pl.status = PickListStatus.PACKED
        pl.packed_at = now
        pl.save(update_fields=["status", "packed_at"])
        event_record(
            actor=actor,
            obj=pl,
            action="pick_list.packed",
            before={"status": before, **({"packages": [p.number for p in old]} if old else {})},
            after={
                "status": PickListStatus.PACKED,
                "packages": [
                    {
                        "number": p.number,
                        "kind": p.kind,
                        "weight_kg": p.weight_kg,
                        "dimensions_cm": [p.length_cm, p.width_cm, p.height_cm],
                    }
                    for p in made
                ],
            },
        )
    return made
