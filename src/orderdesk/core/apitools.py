"""What every app's API shares, so that lists, numbers and errors look the same everywhere.

A client written against one list endpoint works against all of them: the same `limit` /
`offset` parameters, the same `{"items", "count", "limit", "offset"}` envelope, decimals as
exact strings (a float would turn 0.1 into 0.1000000000000000055), and the same error body.

An app's `api.py` must not use `from __future__ import annotations`: ninja reads the
`Query[...]` annotations at import time, and as strings they leave the OpenAPI unbuildable.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import PlainSerializer

from .errors import Invalid, NotFound
from .money import AMOUNT_PLACES, QUANTITY_PLACES
from .roles import Capability, require

M = TypeVar("M", bound=models.Model)

#: The code of a body id that names no row; the same code the master-data services use.
REFERENCE_UNKNOWN = "reference_unknown"
F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


def _plain(value: Decimal) -> str:
    # format(…, "f") keeps stored scale ("0.0000"), where str() would give "0E-4".
    return format(value, "f")


def _four(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.0001")), "f")


#: A decimal in a response: always a JSON string, never a float.
DecimalOut = Annotated[Decimal, PlainSerializer(_plain, return_type=str, when_used="always")]
#: A quantity or amount in a response, at its stored scale ("4.0000") even when the row
#: comes straight from a service that kept the caller's Decimal("4").
ScaledOut = Annotated[Decimal, PlainSerializer(_four, return_type=str, when_used="always")]

#: Decimals in a request: a JSON string ("12.50") or number; more places than stored is a 422.
AmountIn = Annotated[Decimal, Field(decimal_places=AMOUNT_PLACES, allow_inf_nan=False)]
QuantityIn = Annotated[Decimal, Field(decimal_places=QUANTITY_PLACES, allow_inf_nan=False)]
PercentIn = Annotated[Decimal, Field(decimal_places=4, allow_inf_nan=False)]
#: Dimensions in centimetres are kept to 2 places, coordinates to 6 (about 10 cm).
LengthIn = Annotated[Decimal, Field(decimal_places=2, allow_inf_nan=False)]
CoordinateIn = Annotated[Decimal, Field(decimal_places=6, allow_inf_nan=False)]


class ErrorOut(Schema):
    """The body of every 4xx answer: a code to branch on, a message, the field, the fix."""

    code: str
    message: str
    field: str | None = None
    fix: str | None = None


class Page(LimitOffsetPagination):
    """Limit/offset pages with the total count, so a client can show "41–60 of 1,203"."""

    class Input(Schema):
        limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0)

    class Output(Schema):
        items: list[Any]
        count: int
        limit: int
        offset: int

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)

    def paginate_queryset(
        self, queryset: QuerySet, pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        result = super().paginate_queryset(queryset, pagination, request, **params)
        result["limit"] = min(pagination.limit, self.max_limit)
        result["offset"] = pagination.offset
        return result


#: `openapi_extra=` of an endpoint that a portal user may call for their own customer's
#: records. It tells clients so, and tests/test_api_access.py finds these endpoints by it and
#: proves that another customer's records answer 404 through each of them.
CUSTOMER_SCOPED: dict[str, object] = {"x-customer-scoped": True}

#: Statuses a read can answer besides 200: not logged in, role may not, not there (or not yours).
READ_ERRORS = (401, 403, 404)
#: A write can also conflict (a code already taken) or be invalid (field and fix in the body).
WRITE_ERRORS = (401, 403, 404, 409, 422)


def answers(schema: Any, *, status: int = 200, write: bool = False) -> dict[int, Any]:
    """The `response=` of an operation: the success schema and the documented error bodies."""
    codes = WRITE_ERRORS if write else (*READ_ERRORS, 422)
    out: dict[int, Any] = {status: schema}
    out.update(dict.fromkeys(codes, ErrorOut))
    return out


def requires(capability: Capability) -> Callable[[F], F]:
    """Check the role before ninja hands the request to a selector that does not check it.

    For apps whose selectors take no user (inventory, purchasing): the check then runs
    before any id in the request is looked up, so a refused caller learns nothing.
    """

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            require(request.user, capability)
            return func(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def one_or_404(queryset: QuerySet[M], pk: int, what: str) -> M:
    """The row `pk` of a selector's queryset, or 404: read endpoints for list-only selectors."""
    row = queryset.filter(pk=pk).first()
    if row is None:
        raise NotFound(what, pk)
    return row


def body_row(model: type[M], pk: int, *, field: str, what: str) -> M:
    """The row a request body names by id; an unknown id is the body's fault (422, not 404)."""
    row = model._default_manager.filter(pk=pk).first()
    if row is None:
        raise Invalid(
            REFERENCE_UNKNOWN,
            f"there is no {what} with id {pk}",
            field=field,
            fix=f"use the id of an existing {what}",
        )
    return row
