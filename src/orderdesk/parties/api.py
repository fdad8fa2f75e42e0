"""API of the parties app (mounted by orderdesk/api.py)."""

from ninja import Router

router = Router(tags=["parties"])
