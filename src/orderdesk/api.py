"""Assembles the `/api/v1/` REST API from each app's router; owns error rendering only."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from orderdesk.core.apiauth import API_AUTH
from orderdesk.core.errors import DomainError

api = NinjaAPI(
    title="OrderDesk API",
    version="1",
    description="Orders, master data, stock and service for the order desk. Authenticate with "
    "`Authorization: Bearer <token>` (tokens from `orderdesk token USER`) or a browser session.",
    auth=API_AUTH,
    urls_namespace="api",
)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    body = {
        "code": "unauthenticated",
        "message": "authentication required",
        "field": None,
        "fix": "send 'Authorization: Bearer <token>' or log in",
    }
    return api.create_response(request, body, status=401)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors: list[dict[str, Any]] = []
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "payload", "query")]
        errors.append({"field": ".".join(loc) or None, "message": err.get("msg", "invalid")})
    first = errors[0] if errors else {"field": None, "message": "invalid request"}
    body = {
        "code": "invalid",
        "message": f"{first['field']}: {first['message']}" if first["field"] else first["message"],
        "field": first["field"],
        "fix": "correct the field and send again",
        "errors": errors,
    }
    return api.create_response(request, body, status=422)


def _mount() -> None:
    from orderdesk.billing.api import router as billing
    from orderdesk.billing.api_ledger import router as ledger
    from orderdesk.catalog.api import router as catalog
    from orderdesk.edi.api import router as edi
    from orderdesk.fulfilment.api import router as fulfilment
    from orderdesk.inventory.api import router as inventory
    from orderdesk.notify.api import router as notify
    from orderdesk.orders.api import router as orders
    from orderdesk.parties.api import router as parties
    from orderdesk.pricing.api import router as pricing
    from orderdesk.purchasing.api import router as purchasing
    from orderdesk.returns.api import router as returns

    api.add_router("", parties)
    api.add_router("", catalog)
    api.add_router("", pricing)
    api.add_router("", inventory)
    api.add_router("", purchasing)
    api.add_router("", notify)
    api.add_router("", orders)
    api.add_router("", fulfilment)
    api.add_router("", billing)
    api.add_router("", ledger)
    api.add_router("", returns)
    api.add_router("", edi)


_mount()
