"""What every page view shares: access checks, htmx partial detection, paging, 404s.

Kept here so each app's views stay a decorator and one selector call, and so every page
answers the same way: anonymous → login, wrong role → 403, someone else's record → 404.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from orderdesk.core.errors import Forbidden, NotFound
from orderdesk.core.roles import Capability, has_capability

T = TypeVar("T")
View = Callable[..., HttpResponse]

#: Rows per page on list pages: a screenful on a laptop without scrolling past the pager.
PAGE_SIZE = 25


def capability_required(capability: Capability) -> Callable[[View], View]:
    """Login first (redirect), then the role check (403): a signed-out clerk is sent to log in,
    a signed-in user without the capability is told no rather than asked to log in again."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not has_capability(request.user, capability):
                raise PermissionDenied(f"your role may not open this page ({capability.value})")
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorate


def is_htmx(request: HttpRequest) -> bool:
    """A request for a fragment. A history-restore request after a cache miss wants the
    whole page, or the back button would show a bare table."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def vary_on_htmx(response: HttpResponse) -> HttpResponse:
    """Fragment and page share a URL; the browser cache must not swap one for the other."""
    patch_vary_headers(response, ("HX-Request",))
    return response


def paginate(request: HttpRequest, qs: QuerySet[Any], per_page: int = PAGE_SIZE) -> Page:
    """An out-of-range or garbled page number shows the nearest page, never an error."""
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


def found_or_404(selector: Callable[..., T], **kwargs: Any) -> T:
    """Selectors raise the domain's NotFound (also for rows outside a portal user's scope) and
    Forbidden (a role check of their own); pages answer 404 and 403 for them."""
    try:
        return selector(**kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
