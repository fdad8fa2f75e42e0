"""API of the notify app (mounted by orderdesk/api.py)."""

from ninja import Router

router = Router(tags=["notify"])
