"""Stock commands: moves, adjustments, transfers, warehouses and lot quality holds.

`stock_move` is the only code that changes `StockLevel.on_hand`. It writes the ledger row and
changes the level in one transaction, with a conditional `UPDATE ... SET on_hand = on_hand + q
WHERE on_hand + q >= allocated` whose row count is checked: never read-modify-write, so two
concurrent issues can never both take the last unit (PostgreSQL re-checks the WHERE on the
row it waited for; SQLite serialises writers with IMMEDIATE transactions). The CHECK
constraints on StockLevel are the last line behind it.
"""

from __future__ import annotations

import zoneinfo
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.timezone import now

from orderdesk.catalog.models import Item, Tracking
from orderdesk.core.audit import changed, event_record, snapshot
from orderdesk.core.fields import to_units, units_value
from orderdesk.core.locks import lock_one, lock_rows
from orderdesk.core.money import QUANTITY_PLACES, to_decimal
from orderdesk.core.roles import Capability, require

from .errors import InsufficientStock, InventoryError, InventoryErrorCode
from .models import Lot, MovementKind, StockLevel, StockMovement, Warehouse

#: +1: the kind only adds stock, -1: only takes it, 0: either (adjustments).
KIND_SIGN: dict[str, int] = {
    MovementKind.RECEIPT: 1,
    MovementKind.TRANSFER_IN: 1,
    MovementKind.RETURN: 1,
    MovementKind.OPENING: 1,
    MovementKind.ISSUE: -1,
    MovementKind.TRANSFER_OUT: -1,
    MovementKind.ADJUSTMENT: 0,
}

#: Kinds refused from a lot on quality hold (held stock may still be counted or moved).
_BLOCKED_BY_HOLD = {MovementKind.ISSUE}


def _user(actor: Any) -> Any:
    """The actor as a user row for a foreign key, or None for the system."""
    if getattr(actor, "is_authenticated", False) and getattr(actor, "pk", None):
        return actor
    return None


def _quantity(value: Decimal | int | str, field: str = "quantity") -> Decimal:
    try:
        q = to_decimal(value)
        to_units(q, QUANTITY_PLACES)
    except ValueError as exc:
        raise InventoryError(
            InventoryErrorCode.QUANTITY_INVALID,
            f"{field}: {exc}",
            field=field,
            fix=f"give a number with at most {QUANTITY_PLACES} decimal places",
        ) from exc
    return q


def _lot_for(item: Item, lot: str) -> str:
    """The lot or serial number to book on, checked against the item's tracking."""
    lot = (lot or "").strip()
    if item.tracking in (Tracking.LOT, Tracking.SERIAL) and not lot:
        what = "serial" if item.tracking == Tracking.SERIAL else "lot"
        raise InventoryError(
            InventoryErrorCode.LOT_REQUIRED,
            f"{item.sku} is {what} controlled: a {what} number is required",
            field="lot",
            fix=f"give the {what} number printed on the goods",
        )
    if item.tracking == Tracking.NONE and lot:
        raise InventoryError(
            InventoryErrorCode.LOT_NOT_ALLOWED,
            f"{item.sku} is not lot controlled: leave the lot empty (got {lot!r})",
            field="lot",
        )
    return lot


def _lot_row(item: Item, number: str, *, create: bool) -> Lot | None:
    found = Lot.objects.filter(item=item, number=number).first()
    if found is not None or not create:
        return found
    try:
        with transaction.atomic():
            return Lot.objects.create(item=item, number=number)
    except IntegrityError:  # created by a concurrent receipt of the same lot
        return Lot.objects.get(item=item, number=number)


def _level_values(item: Item, warehouse: Warehouse, lot: str) -> tuple[Decimal, Decimal]:
    row = (
        StockLevel.objects.filter(item=item, warehouse=warehouse, lot=lot)
        .values_list("on_hand", "allocated")
        .first()
    )
    return (Decimal(row[0]), Decimal(row[1])) if row else (Decimal(0), Decimal(0))


def _apply(item: Item, warehouse: Warehouse, lot: str, q: Decimal) -> None:
    """Change on-hand by `q` with a guarded UPDATE; create the level on a first receipt."""
    level = StockLevel.objects.filter(item=item, warehouse=warehouse, lot=lot)
    serial = item.tracking == Tracking.SERIAL
    if q < 0:
        guarded = level.filter(on_hand__gte=F("allocated") + units_value(-q))
    elif serial:
        guarded = level.filter(on_hand=0)
    else:
        guarded = level
    for _ in range(2):
        if guarded.update(on_hand=F("on_hand") + units_value(q)) == 1:
            return
        if level.exists() or q < 0:
            break
        try:
            with transaction.atomic():
                StockLevel.objects.create(
                    item=item,
                    warehouse=warehouse,
                    lot=lot,
                    on_hand=q,  # type: ignore[misc]  # stubs see the scaled field as an int
                )
            return
        except IntegrityError:
            continue  # a concurrent first receipt created the level: update it instead
    on_hand, allocated = _level_values(item, warehouse, lot)
    if q > 0 and serial:
        raise InventoryError(
            InventoryErrorCode.SERIAL_ALREADY_IN_STOCK,
            f"serial {lot} of {item.sku} is already in stock in {warehouse.code}",
            field="lot",
        )
    raise InsufficientStock(
        sku=item.sku,
        warehouse=warehouse.code,
        lot=lot,
        on_hand=on_hand,
        allocated=allocated,
        asked=-q,
    )


def _check_move(item: Item, warehouse: Warehouse, q: Decimal, kind: str) -> MovementKind:
    try:
        kind = MovementKind(kind)
    except ValueError as exc:
        raise InventoryError(
            InventoryErrorCode.QUANTITY_INVALID,
            f"unknown movement kind {kind!r}",
            field="kind",
            fix="one of " + ", ".join(MovementKind.values),
        ) from exc
    if q == 0:
        raise InventoryError(
            InventoryErrorCode.QUANTITY_INVALID,
            "a stock movement needs a quantity other than zero",
            field="quantity",
        )
    sign = KIND_SIGN[kind]
    if sign and (q > 0) != (sign > 0):
        direction = "positive" if sign > 0 else "negative"
        raise InventoryError(
            InventoryErrorCode.WRONG_SIGN,
            f"a {kind.label.lower()} takes a {direction} quantity, got {q}",
            field="quantity",
        )
    if item.tracking == Tracking.SERIAL and abs(q) != 1:
        raise InventoryError(
            InventoryErrorCode.QUANTITY_INVALID,
            f"{item.sku} is serial controlled: move one serial number at a time (got {q})",
            field="quantity",
        )
    if q > 0 and not warehouse.active:
        raise InventoryError(
            InventoryErrorCode.WAREHOUSE_INACTIVE,
            f"warehouse {warehouse.code} is inactive: it takes no stock",
            field="warehouse",
        )
    return kind


def _move(
    *,
    actor: Any,
    item: Item,
    warehouse: Warehouse,
    q: Decimal,
    kind: MovementKind,
    lot: str,
    reference: str,
    reason: str,
    extra: dict[str, Any] | None = None,
) -> StockMovement:
    """Ledger row + level change + event. Caller is inside `transaction.atomic()`."""
    if lot:
        lot_row = _lot_row(item, lot, create=q > 0)
        if lot_row is not None and lot_row.quality_hold and kind in _BLOCKED_BY_HOLD:
            raise InventoryError(
                InventoryErrorCode.LOT_ON_HOLD,
                f"lot {lot} of {item.sku} is on quality hold ({lot_row.hold_reason}): "
                "it cannot be issued",
                field="lot",
                fix="issue another lot, or release the hold after inspection",
            )
    _apply(item, warehouse, lot, q)
    movement = StockMovement.objects.create(
        at=now(),
        item=item,
        warehouse=warehouse,
        lot=lot,
        quantity=q,  # type: ignore[misc]  # stubs see the scaled field as an int
        kind=kind,
        reference=reference[:60],
        reason=reason[:200],
        actor=_user(actor),
    )
    level = StockLevel.objects.get(item=item, warehouse=warehouse, lot=lot)
    event_record(
        actor=actor,
        obj=level,
        action="stock.moved",
        after={
            "movement": movement.pk,
            "kind": kind.value,
            "quantity": q,
            "lot": lot,
            "reference": reference,
            "on_hand": level.on_hand,
            **(extra or {}),
        },
        reason=reason,
    )
    return movement


def stock_move(
    *,
    actor: Any,
    item: Item,
    warehouse: Warehouse,
    quantity: Decimal,
    kind: str,
    lot: str = "",
    reference: str = "",
    reason: str = "",
) -> StockMovement:
    """Book a signed quantity (item's base unit) on the ledger and on the stock level.

    No capability check here: this is the building block that receiving, shipping,
    returns and `stock_adjust` call, and each of those checks its own capability.
    Refuses to take a level below zero or below its allocated quantity (InsufficientStock).
    """
    q = _quantity(quantity)
    movement_kind = _check_move(item, warehouse, q, kind)
    lot = _lot_for(item, lot)
    with transaction.atomic():
        return _move(
            actor=actor,
            item=item,
            warehouse=warehouse,
            q=q,
            kind=movement_kind,
            lot=lot,
            reference=reference,
            reason=reason,
        )


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InventoryError(
            InventoryErrorCode.REASON_REQUIRED,
            "give the reason for this stock change",
            field="reason",
            fix="e.g. 'cycle count aisle 4', 'damaged in handling'",
        )
    return reason


def stock_adjust(
    *,
    actor: Any,
    item: Item,
    warehouse: Warehouse,
    reason: str,
    counted: Decimal | None = None,
    delta: Decimal | None = None,
    lot: str = "",
    reference: str = "",
) -> StockMovement | None:
    """Adjust stock to a counted quantity, or by a signed delta, with a reason.

    A count equal to the book quantity books no movement (returns None) but is recorded as
    an event. The level row is locked while the difference is worked out, so a receipt
    landing at the same moment is not overwritten by the count.
    """
    require(actor, Capability.STOCK_ADJUST)
    reason = _require_reason(reason)
    if (counted is None) == (delta is None):
        raise InventoryError(
            InventoryErrorCode.ADJUSTMENT_INVALID,
            "give either the counted quantity or the difference, not both or neither",
            field="counted",
        )
    lot = _lot_for(item, lot)
    with transaction.atomic():
        extra: dict[str, Any] = {}
        if counted is not None:
            count = _quantity(counted, "counted")
            if count < 0:
                raise InventoryError(
                    InventoryErrorCode.QUANTITY_INVALID,
                    f"a counted quantity cannot be negative (got {count})",
                    field="counted",
                )
            rows = lock_rows(StockLevel.objects.filter(item=item, warehouse=warehouse, lot=lot))
            book = rows[0].on_hand if rows else Decimal(0)
            q = count - book
            extra = {"counted": count, "book": book}
            if q == 0:
                event_record(
                    actor=actor,
                    obj=rows[0] if rows else item,
                    action="stock.counted",
                    after={"warehouse": warehouse.code, "lot": lot, **extra},
                    reason=reason,
                )
                return None
        else:
            q = _quantity(delta if delta is not None else Decimal(0), "delta")
        kind = _check_move(item, warehouse, q, MovementKind.ADJUSTMENT)
        return _move(
            actor=actor,
            item=item,
            warehouse=warehouse,
            q=q,
            kind=kind,
            lot=lot,
            reference=reference,
            reason=reason,
            extra=extra,
        )


def stock_transfer(
    *,
    actor: Any,
    item: Item,
    from_warehouse: Warehouse,
    to_warehouse: Warehouse,
    quantity: Decimal,
    lot: str = "",
    reference: str = "",
    reason: str = "",
) -> tuple[StockMovement, StockMovement]:
    """Move stock between warehouses: a transfer-out and a transfer-in in one transaction."""
    require(actor, Capability.STOCK_ADJUST)
    q = _quantity(quantity)
    if from_warehouse.pk == to_warehouse.pk:
        raise InventoryError(
            InventoryErrorCode.SAME_WAREHOUSE,
            f"a transfer needs two different warehouses (both are {from_warehouse.code})",
            field="to_warehouse",
        )
    if q <= 0:
        raise InventoryError(
            InventoryErrorCode.QUANTITY_INVALID,
            f"a transfer moves a positive quantity (got {q})",
            field="quantity",
        )
    out_kind = _check_move(item, from_warehouse, -q, MovementKind.TRANSFER_OUT)
    in_kind = _check_move(item, to_warehouse, q, MovementKind.TRANSFER_IN)
    lot = _lot_for(item, lot)
    reference = reference or f"{from_warehouse.code}>{to_warehouse.code}"
    common: dict[str, Any] = {
        "actor": actor,
        "item": item,
        "lot": lot,
        "reference": reference,
        "reason": reason,
    }
    with transaction.atomic():
        out = _move(
            **common, warehouse=from_warehouse, q=-q, kind=out_kind, extra={"to": to_warehouse.code}
        )
        into = _move(
            **common, warehouse=to_warehouse, q=q, kind=in_kind, extra={"from": from_warehouse.code}
        )
    return out, into


def _check_timezone(name: str) -> str:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise InventoryError(
            InventoryErrorCode.TIMEZONE_INVALID,
            f"{name!r} is not a time zone",
            field="timezone",
            fix="use an IANA name such as America/Chicago",
        ) from exc
    return name


def _check_country(country: str) -> str:
    country = country.strip().upper()
    if len(country) != 2 or not country.isalpha():
        raise InventoryError(
            InventoryErrorCode.INVALID,
            f"{country!r} is not an ISO 3166 country code",
            field="country",
            fix="two letters, e.g. US",
        )
    return country


def warehouse_create(
    *,
    actor: Any,
    code: str,
    name: str,
    timezone: str = "America/Chicago",
    line1: str = "",
    city: str = "",
    region: str = "",
    postal_code: str = "",
    country: str = "US",
    active: bool = True,
) -> Warehouse:
    require(actor, Capability.MASTER_DATA_EDIT)
    code = code.strip().upper()
    if not code or not name.strip():
        raise InventoryError(
            InventoryErrorCode.INVALID,
            "a warehouse needs a code and a name",
            field="code" if not code else "name",
        )
    if len(code) > 10:
        raise InventoryError(
            InventoryErrorCode.INVALID, f"code {code!r} is longer than 10 characters", field="code"
        )
    values: dict[str, Any] = {
        "code": code,
        "name": name.strip(),
        "timezone": _check_timezone(timezone),
        "line1": line1,
        "city": city,
        "region": region,
        "postal_code": postal_code,
        "country": _check_country(country),
        "active": active,
    }
    with transaction.atomic():
        if Warehouse.objects.filter(code=code).exists():
            raise _code_taken(code)
        try:
            with transaction.atomic():
                warehouse = Warehouse.objects.create(**values)
        except IntegrityError as exc:
            raise _code_taken(code) from exc
        event_record(
            actor=actor, obj=warehouse, action="warehouse.created", after=snapshot(warehouse)
        )
    return warehouse


def _code_taken(code: str) -> InventoryError:
    return InventoryError(
        InventoryErrorCode.WAREHOUSE_CODE_TAKEN,
        f"warehouse code {code} is already used",
        field="code",
        fix="choose another code",
    )


def warehouse_update(
    *,
    actor: Any,
    warehouse: Warehouse,
    name: str | None = None,
    timezone: str | None = None,
    line1: str | None = None,
    city: str | None = None,
    region: str | None = None,
    postal_code: str | None = None,
    country: str | None = None,
    active: bool | None = None,
    reason: str = "",
) -> Warehouse:
    """Change a warehouse (None = leave as is). The code is its natural key and never changes.

    Deactivating is refused while the warehouse still holds stock.
    """
    require(actor, Capability.MASTER_DATA_EDIT)
    with transaction.atomic():
        row = lock_one(Warehouse.objects.filter(pk=warehouse.pk))
        before = snapshot(row)
        if name is not None:
            if not name.strip():
                raise InventoryError(
                    InventoryErrorCode.INVALID, "a warehouse needs a name", field="name"
                )
            row.name = name.strip()
        if timezone is not None:
            row.timezone = _check_timezone(timezone)
        for field, value in (
            ("line1", line1),
            ("city", city),
            ("region", region),
            ("postal_code", postal_code),
        ):
            if value is not None:
                setattr(row, field, value)
        if country is not None:
            row.country = _check_country(country)
        if active is not None:
            if (
                not active
                and row.active
                and StockLevel.objects.filter(warehouse=row, on_hand__gt=Decimal(0)).exists()
            ):
                raise InventoryError(
                    InventoryErrorCode.WAREHOUSE_HAS_STOCK,
                    f"warehouse {row.code} still holds stock: it cannot be deactivated",
                    field="active",
                    fix="transfer or adjust its stock out first",
                )
            row.active = active
        old, new = changed(before, snapshot(row))
        if new:
            row.save()
            event_record(
                actor=actor,
                obj=row,
                action="warehouse.updated",
                before=old,
                after=new,
                reason=reason,
            )
    return row


def lot_hold(*, actor: Any, lot: Lot, reason: str) -> Lot:
    """Put a lot on quality hold: it can no longer be issued until released."""
    require(actor, Capability.STOCK_ADJUST)
    reason = _require_reason(reason)
    with transaction.atomic():
        row = lock_one(Lot.objects.select_related("item").filter(pk=lot.pk))
        if row.quality_hold:
            raise InventoryError(
                InventoryErrorCode.LOT_ALREADY_ON_HOLD,
                f"lot {row.number} of {row.item.sku} is already on hold ({row.hold_reason})",
                field="lot",
            )
        row.quality_hold = True
        row.hold_reason = reason[:200]
        row.save(update_fields=["quality_hold", "hold_reason"])
        event_record(
            actor=actor,
            obj=row,
            action="lot.held",
            before={"quality_hold": False},
            after={"quality_hold": True, "hold_reason": row.hold_reason},
            reason=reason,
        )
    return row


def lot_release(*, actor: Any, lot: Lot, reason: str = "") -> Lot:
    """Release a lot's quality hold (the inspection passed)."""
    require(actor, Capability.STOCK_ADJUST)
    with transaction.atomic():
        row = lock_one(Lot.objects.select_related("item").filter(pk=lot.pk))
        if not row.quality_hold:
            raise InventoryError(
                InventoryErrorCode.LOT_NOT_ON_HOLD,
                f"lot {row.number} of {row.item.sku} is not on hold",
                field="lot",
            )
        before = {"quality_hold": True, "hold_reason": row.hold_reason}
        row.quality_hold = False
        row.hold_reason = ""
        row.save(update_fields=["quality_hold", "hold_reason"])
        event_record(
            actor=actor,
            obj=row,
            action="lot.released",
            before=before,
            after={"quality_hold": False, "hold_reason": ""},
            reason=reason,
        )
    return row
