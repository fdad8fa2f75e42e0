"""Template context every page shares: the header's links and who is signed in."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from .navigation import links_for


def navigation(request: HttpRequest) -> dict:
    """Lazy where it can be: error pages and the login page must not fail on a missing user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": [], "nav_role": "", "nav_timezone": ""}
    return {
        "nav_links": links_for(user, request.path),
        "nav_role": user.get_role_display(),  # type: ignore[union-attr]
        "nav_timezone": timezone.get_current_timezone_name(),
    }
