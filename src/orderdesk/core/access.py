"""Ownership scoping: a portal user reaches only their own customer's rows.

Selectors call `scope_to_customer` on every queryset a portal user can reach; a row outside
the scope is then simply not found (404), never 403, so ids of other customers leak nothing.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

from .roles import Role

M = TypeVar("M", bound=models.Model)


def scope_to_customer(
    qs: models.QuerySet[M], user: Any, path: str = "customer"
) -> models.QuerySet[M]:
    """Filter `qs` to the user's customer when the user is a portal user.

    `path` is the lookup from the queryset's model to the customer ("customer", "order__customer",
    or "" when the model is Customer itself).
    """
    if getattr(user, "role", None) != Role.PORTAL:
        return qs
    customer_id = getattr(user, "customer_id", None)
    if customer_id is None:
        return qs.none()
    key = f"{path}_id" if path else "pk"
    if path and "__" in path:
        key = f"{path}__pk"
    return qs.filter(**{key: customer_id})
