"""API of the purchasing app (mounted by orderdesk/api.py)."""

from ninja import Router

router = Router(tags=["purchasing"])
