"""Invoices, credit memos and the period over REST, with portal scoping."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal as D

import pytest
from django.test import Client
from pypdf import PdfReader

from orderdesk.billing.invoicing import invoice_for_shipment
from orderdesk.billing.models import CreditMemo, Invoice, Receivable
from orderdesk.core.roles import Role
from orderdesk.pricing.models import FreightRate

from ..orders.world import build_world
from .invoicing_world import credit_memo_of, invoice_of, place, ship, warehouse_user

pytestmark = pytest.mark.django_db

MARCH_2 = dt.date(2026, 3, 2)


def post(client: Client, path: str, body: dict) -> tuple[int, dict]:
    r = client.post(path, json.dumps(body), content_type="application/json")
    return r.status_code, r.json()


def _invoiced():  # type: ignore[no-untyped-def]
    world = build_world(price="1.99", on_hand=10)
    FreightRate.objects.create(ship_method=world.ship_method, per_order=D("12.50"))
    order = place(
        world, (world.items[0].sku, "7"), (world.items[1].sku, "3"), freight_payment="prepaid_add"
    )
    shipment = ship(order, {1: "7"}, ship_date=MARCH_2)
    invoice = invoice_for_shipment(actor=warehouse_user(), shipment=shipment)
    return world, order, invoice


def test_invoice_detail_has_lines_charges_credit_memos_and_open_amount(api_client) -> None:  # type: ignore[no-untyped-def]
    _, order, invoice = _invoiced()
    billing = api_client(Role.BILLING)
    line_id = invoice.lines.get().pk

    status, memo = post(
        billing,
        f"/api/v1/invoices/{invoice.pk}/credit-memos",
        {
            "reason": "damaged",
            "lines": [{"invoice_line_id": line_id, "quantity": "3"}],
            "fee_percent": "15",
        },
    )
    body = billing.get(f"/api/v1/invoices/{invoice.pk}").json()

    assert status == 201, memo
    assert (memo["merchandise"], memo["fees"], memo["tax_total"], memo["total"]) == (
        "5.9700", "0.9000", "0.3700", "5.4400",
    )  # fmt: skip
    assert [ln["kind"] for ln in memo["lines"]] == ["goods", "restocking_fee"]
    assert (body["number"], body["order_number"], body["status"]) == (
        invoice.number, order.number, "open",
    )  # fmt: skip
    assert (body["merchandise"], body["charges_total"], body["tax_total"], body["total"]) == (
        "13.9300", "12.5000", "0.8700", "27.3000",
    )  # fmt: skip
    assert body["open_amount"] == "21.8600"
    assert body["due_date"] == "2026-04-01"
    [line] = body["lines"]
    assert (line["quantity"], line["quantity_ordered_unit"], line["uom"]) == ("7.0000", "7", "EA")
    assert (line["unit_price"], line["net"], line["tax"]) == ("1.9900", "13.9300", "0.8700")
    assert [c["code"] for c in body["charges"]] == ["FREIGHT"]
    assert [m["number"] for m in body["credit_memos"]] == [memo["number"]]
    assert body["bill_to"]["code"] == "BILL"


def test_over_credit_through_the_api_is_a_422_naming_the_line(api_client) -> None:  # type: ignore[no-untyped-def]
    _, _, invoice = _invoiced()
    billing = api_client(Role.BILLING)
    line_id = invoice.lines.get().pk

    status, body = post(
        billing,
        f"/api/v1/invoices/{invoice.pk}/credit-memos",
        {"reason": "damaged", "lines": [{"invoice_line_id": line_id, "quantity": "8"}]},
    )
    unknown_status, unknown = post(
        billing,
        f"/api/v1/invoices/{invoice.pk}/credit-memos",
        {"reason": "damaged", "lines": [{"invoice_line_id": 999999, "quantity": "1"}]},
    )

    assert (status, body["code"], body["field"]) == (422, "over_credit", "lines")
    assert "7 invoiced, 0 already credited; 8 more would be too much" in body["message"]
    assert (unknown_status, unknown["code"]) == (422, "line_not_on_invoice")
    assert CreditMemo.objects.count() == 0


def test_list_filters_and_pages(api_client, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    world, order, invoice = _invoiced()
    second = invoice_for_shipment(
        actor=warehouse_user(), shipment=ship(order, {2: "3"}, ship_date=dt.date(2026, 3, 20))
    )
    other = invoice_of(build_world().customer)
    billing = api_client(Role.BILLING)

    def numbers(**params: object) -> list[str]:
        r = billing.get("/api/v1/invoices", params)
        assert r.status_code == 200, r.json()
        return [i["number"] for i in r.json()["items"]]

    assert numbers() == [second.number, other.number, invoice.number]  # newest date first
    assert numbers(customer_id=world.customer.pk) == [second.number, invoice.number]
    assert numbers(order_id=order.pk, date_from="2026-03-10") == [second.number]
    assert numbers(date_to="2026-03-02", customer_id=world.customer.pk) == [invoice.number]
    assert numbers(status="paid") == []
    assert numbers(q=invoice.number) == [invoice.number]
    # due in April 2026: past due today; a paid one is not
    Invoice.objects.filter(pk=other.pk).update(status="paid")
    assert numbers(overdue=True) == [second.number, invoice.number]
    page = billing.get("/api/v1/invoices", {"limit": 2, "offset": 2}).json()
    assert (page["count"], page["limit"], page["offset"], len(page["items"])) == (3, 2, 2, 1)
    with django_assert_num_queries(4):  # session/token, user, count, page (with joins)
        billing.get("/api/v1/invoices")


def test_pdf_endpoints_answer_pdfs(api_client) -> None:  # type: ignore[no-untyped-def]
    _, _, invoice = _invoiced()
    memo = credit_memo_of(invoice.customer)
    billing = api_client(Role.BILLING)

    inv_pdf = billing.get(f"/api/v1/invoices/{invoice.pk}/pdf")
    memo_pdf = billing.get(f"/api/v1/credit-memos/{memo.pk}/pdf")

    assert inv_pdf["Content-Type"] == "application/pdf"
    assert f'filename="{invoice.number}.pdf"' in inv_pdf["Content-Disposition"]
    assert invoice.number in PdfReader(io.BytesIO(inv_pdf.content)).pages[0].extract_text()
    assert memo.number in PdfReader(io.BytesIO(memo_pdf.content)).pages[0].extract_text()


def test_invoice_an_order_by_hand(api_client) -> None:  # type: ignore[no-untyped-def]
    world = build_world()
    order = place(world, (world.items[0].sku, "4"), (world.items[1].sku, "2"))
    ship(order, {1: "4"}, ship_date=MARCH_2)
    billing = api_client(Role.BILLING)

    status, made = post(
        billing, f"/api/v1/orders/{order.pk}/invoice", {"invoice_date": "2026-03-03"}
    )
    again_status, again = post(billing, f"/api/v1/orders/{order.pk}/invoice", {})
    clerk_status, _ = post(api_client(Role.ORDER_CLERK), f"/api/v1/orders/{order.pk}/invoice", {})
    missing_status, _ = post(billing, "/api/v1/orders/999999/invoice", {})

    assert status == 201, made
    assert [(i["invoice_date"], i["total"]) for i in made] == [("2026-03-03", "42.5000")]
    assert [ln["quantity"] for ln in made[0]["lines"]] == ["4.0000"]  # line 2 never shipped
    assert (again_status, again["code"]) == (422, "nothing_to_invoice")
    assert (clerk_status, missing_status) == (403, 404)
    assert Invoice.objects.count() == 1


def test_credit_memo_list_and_detail(api_client) -> None:  # type: ignore[no-untyped-def]
    memo = credit_memo_of(build_world().customer)
    billing = api_client(Role.BILLING)

    listed = billing.get("/api/v1/credit-memos", {"invoice_id": memo.invoice_id}).json()
    detail = billing.get(f"/api/v1/credit-memos/{memo.pk}").json()

    assert [m["number"] for m in listed["items"]] == [memo.number]
    assert (detail["invoice_number"], detail["total"], detail["open_amount"]) == (
        memo.invoice.number, "5.0000", "0.0000",
    )  # fmt: skip
    assert [(ln["kind"], ln["quantity"], ln["net"]) for ln in detail["lines"]] == [
        ("goods", "1.0000", "5.0000")
    ]


def test_period_close_and_reopen_over_the_api(api_client) -> None:  # type: ignore[no-untyped-def]
    billing = api_client(Role.BILLING)

    status, closed = post(
        billing, "/api/v1/billing/period-close", {"through": "2026-02-28", "reason": "Feb"}
    )
    back_status, back = post(billing, "/api/v1/billing/period-close", {"through": "2026-01-31"})
    reopen_status, reopened = post(
        billing, "/api/v1/billing/period-reopen", {"through": "2026-01-31", "reason": "late credit"}
    )
    clerk_status, _ = post(
        api_client(Role.ORDER_CLERK), "/api/v1/billing/period-close", {"through": "2026-03-31"}
    )
    read = billing.get("/api/v1/billing/period").json()

    assert (status, closed["closed_through"], closed["reason"]) == (200, "2026-02-28", "Feb")
    assert (back_status, back["code"]) == (409, "period_backwards")
    assert (reopen_status, reopened["closed_through"]) == (200, "2026-01-31")
    assert clerk_status == 403
    assert read["closed_through"] == "2026-01-31"
    assert [h["closed_through"] for h in read["history"]] == ["2026-01-31", "2026-02-28"]
    assert read["history"][0]["closed_by"] == billing.user.username


def test_portal_user_sees_only_their_own_invoices_and_memos(api_client) -> None:  # type: ignore[no-untyped-def]
    _, _, mine = _invoiced()
    theirs = invoice_of(build_world().customer)
    their_memo = credit_memo_of(theirs.customer)
    portal = api_client(Role.PORTAL, customer=mine.customer)

    listed = portal.get("/api/v1/invoices").json()
    filtered = portal.get("/api/v1/invoices", {"customer_id": theirs.customer_id}).json()
    memos = portal.get("/api/v1/credit-memos").json()

    assert [i["number"] for i in listed["items"]] == [mine.number]
    assert filtered["count"] == 0
    assert memos["count"] == 0
    assert portal.get(f"/api/v1/invoices/{mine.pk}").status_code == 200
    for path in (
        f"/api/v1/invoices/{theirs.pk}",
        f"/api/v1/invoices/{theirs.pk}/pdf",
        f"/api/v1/credit-memos/{their_memo.pk}",
        f"/api/v1/credit-memos/{their_memo.pk}/pdf",
    ):
        r = portal.get(path)
        assert (r.status_code, r.json()["code"]) == (404, "not_found"), path
    line_id = mine.lines.get().pk
    status, body = post(
        portal,
        f"/api/v1/invoices/{mine.pk}/credit-memos",
        {"reason": "I want money", "lines": [{"invoice_line_id": line_id, "quantity": "1"}]},
    )
    assert (status, body["code"]) == (403, "forbidden")
    assert portal.get("/api/v1/billing/period").status_code == 403
    assert Receivable.objects.get(pk=mine.receivable_id).open_amount == mine.total
