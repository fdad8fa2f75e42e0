"""Exact decimal storage on every database.

SQLite keeps a DecimalField as REAL, so sums drift (0.1 + 0.2) and large amounts lose
digits. These fields store a Decimal as a whole number of 10**-places in a BIGINT: exact on
SQLite and PostgreSQL alike, and SUM() in SQL stays exact because it adds integers.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db import models
from django.db.models.expressions import Combinable

from .money import AMOUNT_PLACES, QUANTITY_PLACES, to_decimal


def to_units(value: Decimal | int | str, places: int) -> int:
    """Decimal → stored integer; refuses values with more decimals than the field keeps."""
    d = to_decimal(value)
    scaled = d.scaleb(places)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{value} has more than {places} decimal places")
    return int(scaled)


def from_units(value: int, places: int) -> Decimal:
    return Decimal(int(value)).scaleb(-places)


class ScaledDecimalField(models.BigIntegerField):  # type: ignore[type-arg]
    description = "Exact decimal stored as scaled integer"
    # django-stubs reads these to type the attribute on model instances as Decimal.
    _pyi_private_set_type: Decimal | int | str | Combinable  # type: ignore[assignment]
    _pyi_private_get_type: Decimal  # type: ignore[assignment]

    def __init__(self, *args: Any, places: int = AMOUNT_PLACES, **kwargs: Any) -> None:
        self.places = places
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["places"] = self.places
        return name, path, args, kwargs

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Decimal | None:
        if value is None:
            return None
        return from_units(value, self.places)

    def to_python(self, value: Any) -> Decimal | None:
        if value is None or value == "":
            return None
        try:
            return to_decimal(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def get_prep_value(self, value: Any) -> Any:
        if value is None or hasattr(value, "resolve_expression"):
            return value
        return to_units(value, self.places)

    def value_to_string(self, obj: Any) -> str:
        value = self.value_from_object(obj)
        return "" if value is None else str(value)

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        defaults: dict[str, Any] = {"form_class": forms.DecimalField, "decimal_places": self.places}
        defaults.update(kwargs)
        defaults.pop("max_value", None)
        defaults.pop("min_value", None)
        return models.Field.formfield(self, **defaults)


class AmountField(ScaledDecimalField):
    """A money amount (its currency lives in a sibling `currency` field)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("places", AMOUNT_PLACES)
        super().__init__(*args, **kwargs)


class QuantityField(ScaledDecimalField):
    """A quantity in the unit named beside it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("places", QUANTITY_PLACES)
        super().__init__(*args, **kwargs)


def units_value(value: Decimal | int | str, places: int = QUANTITY_PLACES) -> models.Value:
    """An SQL literal for F() arithmetic on a scaled field (`F("on_hand") + units_value(q)`)."""
    return models.Value(to_units(value, places), output_field=models.BigIntegerField())
