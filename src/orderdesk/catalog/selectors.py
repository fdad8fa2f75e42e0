"""Queries on the item catalogue."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from orderdesk.core.errors import NotFound

from .models import Item


def item_list(
    *, q: str | None = None, status: str | None = None, item_group: str | None = None
) -> QuerySet[Item]:
    """Items matching `q` by SKU (prefix first in ordering is the caller's concern) or words."""
    qs = Item.objects.select_related("base_uom", "replacement", "default_vendor")
    if status:
        qs = qs.filter(status=status)
    if item_group:
        qs = qs.filter(item_group=item_group)
    if q:
        q = q.strip()
        words = q.split()
        cond = Q(sku__icontains=q)
        desc = Q()
        for w in words:
            desc &= Q(description__icontains=w)
        qs = qs.filter(cond | desc)
    return qs.order_by("sku")


def item_get(*, pk: int | None = None, sku: str | None = None) -> Item:
    qs = Item.objects.select_related("base_uom", "replacement", "default_vendor").prefetch_related(
        "conversions__uom", "components__component"
    )
    item = qs.filter(pk=pk).first() if pk is not None else qs.filter(sku=sku).first()
    if item is None:
        raise NotFound("item", pk if pk is not None else sku)
    return item
