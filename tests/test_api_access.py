"""Who reaches what through the API, proven over every endpoint the OpenAPI document lists.

The endpoint lists come from /api/v1/openapi.json, so an endpoint added later is covered
without editing this file: anonymous requests must get 401 everywhere; endpoints marked
`x-customer-scoped` must answer 404 for another customer's records to a portal user (and the
coverage test below fails until such an endpoint says how to make a record for it); every
master-data write must answer 403 to a portal user and leave no trace.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from orderdesk.api import api
from orderdesk.core.models import Event
from orderdesk.core.roles import Role

from .billing.invoicing_world import credit_memo_of, invoice_of
from .factories import (
    AddressFactory,
    ContactFactory,
    ContractPriceFactory,
    CustomerFactory,
    ItemFactory,
    PaymentTermsFactory,
    UnitFactory,
)
from .fulfilment.records import shipment_of
from .returns.world import rma_of

PREFIX = "/api/v1"
SPEC: dict[str, Any] = api.get_openapi_schema(path_prefix=f"{PREFIX}/")
OPERATIONS = [
    (method.upper(), path, op)
    for path, ops in sorted(SPEC["paths"].items())
    for method, op in sorted(ops.items())
]
MASTER_DATA_TAGS = {"parties", "catalog", "pricing", "inventory", "purchasing"}


def _master(op: dict[str, Any]) -> bool:
    return bool(set(op.get("tags", [])) & MASTER_DATA_TAGS)


SCOPED = [(p, op) for m, p, op in OPERATIONS if m == "GET" and op.get("x-customer-scoped")]
SCOPED_DETAIL = [p for p, _ in SCOPED if "{" in p]
SCOPED_LIST = [p for p, _ in SCOPED if "{" not in p]
MASTER_WRITES = [(m, p) for m, p, op in OPERATIONS if m != "GET" and _master(op)]
STAFF_ONLY_READS = [
    p for m, p, op in OPERATIONS if m == "GET" and _master(op) and not op.get("x-customer-scoped")
]


def _order(customer: Any) -> Any:
    """A sales order of the customer, made directly (the intake is tested elsewhere)."""
    import datetime as dt

    from orderdesk.orders.models import SalesOrder

    return SalesOrder.objects.create(
        number=f"SO-T{customer.pk}",
        customer=customer,
        channel="api",
        order_date=dt.date(2026, 11, 2),
        payment_terms=customer.payment_terms,
        currency=customer.currency,
    )


def _acknowledged_order(customer: Any) -> int:
    """An order with an acknowledgement whose revision number equals the order's id, so
    one id fills both placeholders of the acknowledgement paths."""
    from django.utils import timezone

    from orderdesk.orders.acknowledgement import ack_data
    from orderdesk.orders.models import Acknowledgement

    order = _order(customer)
    Acknowledgement.objects.create(
        order=order,
        revision=order.pk,
        data=ack_data(order, revision=order.pk),
        created_at=timezone.now(),
    )
    return int(order.pk)


#: For each customer-scoped record endpoint: how to make such a record of a given customer.
RECORD_OF: dict[str, Callable[[Any], int]] = {
    f"{PREFIX}/customers/{{customer_id}}": lambda customer: customer.pk,
    f"{PREFIX}/addresses/{{address_id}}": lambda c: AddressFactory(customer=c).pk,
    f"{PREFIX}/contacts/{{contact_id}}": lambda c: ContactFactory(customer=c).pk,
    f"{PREFIX}/contract-prices/{{contract_price_id}}": lambda c: (
        ContractPriceFactory(customer=c).pk
    ),
    f"{PREFIX}/orders/{{order_id}}": lambda c: _order(c).pk,
    f"{PREFIX}/orders/{{order_id}}/acknowledgements/{{revision}}": _acknowledged_order,
    f"{PREFIX}/orders/{{order_id}}/acknowledgements/{{revision}}/pdf": _acknowledged_order,
    f"{PREFIX}/invoices/{{invoice_id}}": lambda c: invoice_of(c).pk,
    f"{PREFIX}/invoices/{{invoice_id}}/pdf": lambda c: invoice_of(c).pk,
    f"{PREFIX}/credit-memos/{{memo_id}}": lambda c: credit_memo_of(c).pk,
    f"{PREFIX}/credit-memos/{{memo_id}}/pdf": lambda c: credit_memo_of(c).pk,
    f"{PREFIX}/customers/{{customer_id}}/ledger": lambda customer: customer.pk,
    f"{PREFIX}/customers/{{customer_id}}/aging": lambda customer: customer.pk,
    f"{PREFIX}/rmas/{{rma_id}}": lambda c: rma_of(c).pk,
    f"{PREFIX}/shipments/{{shipment_id}}": shipment_of,
    f"{PREFIX}/shipments/{{shipment_id}}/documents/{{kind}}": lambda c: _documented(c),
    f"{PREFIX}/shipments/{{shipment_id}}/documents/{{kind}}/pdf": lambda c: _documented(c),
}
#: For each customer-scoped list: its filter by customer, and the record factory it lists.
LIST_OF: dict[str, tuple[str | None, Callable[[Any], object]]] = {
    f"{PREFIX}/customers": (None, lambda c: c),
    f"{PREFIX}/addresses": ("customer", lambda c: AddressFactory(customer=c)),
    f"{PREFIX}/contacts": ("customer", lambda c: ContactFactory(customer=c)),
    f"{PREFIX}/contract-prices": ("customer", lambda c: ContractPriceFactory(customer=c)),
    f"{PREFIX}/orders": ("customer_id", _order),
    f"{PREFIX}/invoices": ("customer_id", invoice_of),
    f"{PREFIX}/credit-memos": ("customer_id", credit_memo_of),
    f"{PREFIX}/rmas": ("customer_id", rma_of),
    f"{PREFIX}/shipments": ("customer_id", shipment_of),
}


def _body(method: str, path: str, own: Any) -> dict[str, Any] | None:
    """A body valid for the endpoint, so that the answer is the role check, not a 422."""
    if method == "PATCH":
        return {}
    if method == "DELETE":
        return None
    one = {"item_id": 1, "unit_price": "1"}
    bodies: dict[str, dict[str, Any] | None] = {
        "/customers": {"account_number": "P1", "name": "P", "payment_terms_id": 1},
        "/addresses": {
            "customer_id": own.pk,
            "kind": "ship_to",
            "code": "X",
            "name": "X",
            "line1": "1 Main",
            "city": "X",
            "postal_code": "62701",
        },
        "/contacts": {"customer_id": own.pk, "name": "Me"},
        "/payment-terms": {"code": "T", "description": "T"},
        "/vendors": {"code": "V", "name": "V"},
        "/units": {"code": "U", "name": "U"},
        "/items": {"sku": "S", "description": "D", "base_uom_id": 1},
        "/unit-conversions": {"item_id": 1, "uom_id": 1, "factor": "2"},
        "/kit-components": {"kit_id": 1, "component_id": 1, "quantity": "1"},
        "/price-lists": {"code": "P", "name": "P"},
        "/price-list-entries": {"price_list_id": 1, **one},
        "/contract-prices": {"customer_id": own.pk, "valid_from": "2026-01-01", **one},
        "/surcharges": {"code": "S", "name": "S", "basis": "per_order", "amount": "1"},
        "/tax-rates": {"country": "US", "rate_percent": "1", "valid_from": "2026-01-01"},
        "/warehouses": {"code": "W", "name": "W"},
        "/stock-adjustments": {"item_id": 1, "warehouse_id": 1, "reason": "r", "delta": "1"},
        "/purchase-orders": {
            "vendor_id": 1,
            "expected_date": "2030-01-01",
            "lines": [{"item_id": 1, "quantity": "1", "unit_cost": "1"}],
        },
        "/purchase-orders/{purchase_order_id}/send": None,
        "/purchase-orders/{purchase_order_id}/receive": {
            "receipts": [{"line_no": 1, "quantity": "1"}]
        },
        "/purchase-orders/{purchase_order_id}/cancel": {"reason": "r"},
    }
    return bodies[path.removeprefix(PREFIX)]


def _fill(path: str, value: object = 1) -> str:
    path = path.replace("{kind}", "packing_list")  # a document kind, not a record id
    return re.sub(r"\{[^}]+\}", str(value), path)


def _documented(customer: Any) -> int:
    from orderdesk.fulfilment.models import Shipment
    from orderdesk.fulfilment.paperwork import shipping_documents_issue

    shipment_id = shipment_of(customer)
    shipping_documents_issue(shipment=Shipment.objects.get(pk=shipment_id))
    return shipment_id


def _send(client: Any, method: str, url: str, body: dict[str, Any] | None) -> Any:
    call = getattr(client, method.lower())
    if body is None:
        return call(url)
    return call(url, body, content_type="application/json")


@pytest.mark.django_db
def test_openapi_document_loads_and_lists_every_master_data_type(client):
    response = client.get(f"{PREFIX}/openapi.json")

    assert response.status_code == 200
    paths = set(response.json()["paths"])
    for resource in (
        "customers", "addresses", "contacts", "payment-terms", "vendors", "units", "items",
        "unit-conversions", "kit-components", "price-lists", "price-list-entries",
        "contract-prices", "surcharges", "tax-rates", "warehouses", "stock-levels",
        "stock-movements", "purchase-orders",
    ):  # fmt: skip
        assert f"{PREFIX}/{resource}" in paths, resource
    schemas = response.json()["components"]["schemas"]
    # decimals are documented (and sent) as strings, never as floats
    assert schemas["CustomerOut"]["properties"]["credit_limit"]["type"] == "string"
    assert schemas["StockLevelOut"]["properties"]["on_hand"]["type"] == "string"


def test_every_operation_documents_401():
    undocumented = [
        (m, p) for m, p, op in OPERATIONS if "401" not in {str(k) for k in op["responses"]}
    ]

    assert undocumented == []


def test_every_customer_scoped_endpoint_is_covered_here():
    assert sorted(SCOPED_DETAIL) == sorted(RECORD_OF)
    assert sorted(SCOPED_LIST) == sorted(LIST_OF)


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), [(m, p) for m, p, _ in OPERATIONS])
def test_anonymous_request_gets_401(client, method, path):
    body = None if method in ("GET", "DELETE") else {}

    response = _send(client, method, _fill(path), body)

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


@pytest.mark.django_db
@pytest.mark.parametrize("path", SCOPED_DETAIL)
def test_portal_user_gets_404_for_another_customers_record(api_client, path):
    own, other = CustomerFactory(), CustomerFactory()
    portal = api_client(Role.PORTAL, customer=own)
    own_id, other_id = RECORD_OF[path](own), RECORD_OF[path](other)

    theirs = portal.get(_fill(path, other_id))
    mine = portal.get(_fill(path, own_id))

    assert (theirs.status_code, theirs.json()["code"]) == (404, "not_found")
    assert mine.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("path", SCOPED_LIST)
def test_portal_user_lists_only_their_own_records(api_client, path):
    own, other = CustomerFactory(), CustomerFactory()
    portal = api_client(Role.PORTAL, customer=own)
    customer_filter, make = LIST_OF[path]
    make(own)
    make(other)

    listed = portal.get(path)
    items = listed.json()["items"]
    owners = {item.get("customer_id", item["id"]) for item in items}

    assert listed.status_code == 200
    assert (len(items), owners) == (1, {own.pk})
    if customer_filter:
        theirs = portal.get(path, {customer_filter: other.pk})
        assert (theirs.status_code, theirs.json()["count"]) == (200, 0)


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), MASTER_WRITES)
def test_portal_user_gets_403_on_every_master_data_write(api_client, method, path):
    own, other = CustomerFactory(), CustomerFactory()
    PaymentTermsFactory()
    UnitFactory()
    ItemFactory()
    target = RECORD_OF[path](other) if path in RECORD_OF else 1
    portal = api_client(Role.PORTAL, customer=own)
    events_before = Event.objects.count()

    response = _send(portal, method, _fill(path, target), _body(method, path, own))

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert Event.objects.count() == events_before


@pytest.mark.django_db
@pytest.mark.parametrize("path", STAFF_ONLY_READS)
def test_portal_user_gets_403_on_staff_master_data(api_client, path):
    response = api_client(Role.PORTAL).get(_fill(path))

    assert response.status_code == 403


@pytest.mark.django_db
def test_token_command_issues_a_working_token(make_user, capsys):
    user = make_user(Role.ORDER_CLERK, username="desk1")

    call_command("token", "desk1", "--name", "EDI gateway")
    raw = capsys.readouterr().out.strip()

    from django.test import Client

    response = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(f"{PREFIX}/customers")
    assert response.status_code == 200
    event = Event.objects.get(action="apitoken.issued")
    assert event.after == {"user": user.username, "name": "EDI gateway", "prefix": raw[:8]}


@pytest.mark.django_db
def test_token_command_refuses_an_unknown_user():
    with pytest.raises(CommandError, match="no user named 'ghost'"):
        call_command("token", "ghost")
    assert Event.objects.count() == 0


@pytest.mark.django_db
def test_revoked_or_wrong_token_gets_401(api_client):
    from orderdesk.core.models import ApiToken

    clerk = api_client(Role.ORDER_CLERK)
    ApiToken.objects.update(revoked=True)

    from django.test import Client

    assert clerk.get(f"{PREFIX}/customers").status_code == 401
    wrong = Client(HTTP_AUTHORIZATION="Bearer od_not-a-token").get(f"{PREFIX}/customers")
    assert wrong.status_code == 401
