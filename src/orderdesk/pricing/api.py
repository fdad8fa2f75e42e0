"""API of the pricing app (mounted by orderdesk/api.py)."""

from ninja import Router

router = Router(tags=["pricing"])
