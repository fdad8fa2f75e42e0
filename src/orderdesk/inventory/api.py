"""API of the inventory app (mounted by orderdesk/api.py)."""

from ninja import Router

router = Router(tags=["inventory"])
