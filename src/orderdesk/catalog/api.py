"""API of the catalog app (mounted by orderdesk/api.py)."""

from ninja import Router

router = Router(tags=["catalog"])
