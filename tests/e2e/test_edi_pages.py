"""The EDI pages in a real browser: the monitor with its filters, a rejected 850 with the
bad element marked and resolved with a reason, a partner profile edited (refused, then
saved) with a cross-reference added, and the intake queue worked. Screenshots go to
test-artifacts/edi-*.png."""

from __future__ import annotations

import pytest

from orderdesk.catalog.models import UnitOfMeasure
from orderdesk.edi.models import DocumentStatus, IntakeStatus, PartnerItem, TradingPartner

from ..edi.pages_world import build_monitor, intake_item
from ..factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-123"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(f"{base}/")


def test_monitor_filters_and_a_rejected_850_resolved(live_server, page, shot, tmp_path):
    mon = build_monitor(tmp_path)
    UserFactory(username="olga", role="order_clerk", first_name="Olga", last_name="Berg")
    base = live_server.url

    _log_in(page, base, "olga")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="EDI").click()
    page.wait_for_url(f"{base}/edi/")
    table = page.locator("#results table")
    assert table.locator("tbody tr").count() == 5
    held = table.locator("tr", has_text="PO-4470")
    assert held.get_by_text("Price hold").is_visible()
    assert table.locator("tr", has_text="PO-4400").get_by_text("997 overdue").is_visible()
    shot(page, "edi-01-monitor")

    page.get_by_label("Needs action by").select_option("us")
    page.wait_for_url("**/edi/?*action_by=us*")
    page.locator("#results tbody tr").first.wait_for()
    assert page.locator("#results tbody tr").count() == 1
    assert page.locator("#result-count").inner_text().strip() == "1 document"
    page.get_by_label("Needs action by").select_option("partner")
    page.wait_for_url("**/edi/?*action_by=partner*")
    page.wait_for_function("document.querySelectorAll('#results tbody tr').length === 2")
    shot(page, "edi-02-monitor-partner")

    page.get_by_role("link", name="PO PO-4471").click()
    page.wait_for_url(f"{base}/edi/documents/{mon.failed.pk}/")
    marks = page.locator("mark")
    assert marks.first.inner_text() == "EACH"
    assert page.get_by_text("PO1-03 'EACH' is not a unit code; did you mean EA?").is_visible()
    assert page.locator(".raw-set li.bad").count() == 1
    shot(page, "edi-03-document-rejected")

    page.get_by_role("button", name="Mark resolved").click()
    assert page.locator("#resolve-error").inner_text().startswith("Type the reason")
    page.get_by_label("Mark resolved — reason").fill("Buyer re-sent it by e-mail; entered by hand")
    page.get_by_role("button", name="Mark resolved").click()
    page.locator(".message", has_text="850 PO-4471 is marked resolved").wait_for()
    shot(page, "edi-04-document-resolved")
    mon.failed.refresh_from_db()
    assert mon.failed.status == DocumentStatus.RESOLVED


def test_partner_profile_edited_and_cross_reference_added(live_server, page, shot, tmp_path):
    mon = build_monitor(tmp_path)
    UnitOfMeasure.objects.get_or_create(code="CS", defaults={"name": "Case"})
    UserFactory(username="cora", role="desk_coordinator", first_name="Cora", last_name="Lind")
    base = live_server.url

    _log_in(page, base, "cora")
    page.goto(f"{base}/edi/partners/")
    page.get_by_role("link", name="Acme Retail").click()
    page.wait_for_url(f"{base}/edi/partners/{mon.edi.partner.pk}/")
    shot(page, "edi-05-partner-form")

    page.get_by_label("Component separator").fill("*")
    page.get_by_label("Units: theirs=ours, one per line").fill("CA=CS")
    page.get_by_label("Only when something changed (price, quantity, date, backorder)").check()
    page.get_by_role("button", name="Save the profile").click()
    error = page.locator("#id_component_separator-error")
    assert "is also the element separator" in error.inner_text()
    assert page.get_by_label("Units: theirs=ours, one per line").input_value() == "CA=CS"
    shot(page, "edi-06-partner-refused")

    page.get_by_label("Component separator").fill(">")
    page.get_by_role("button", name="Save the profile").click()
    page.get_by_text("Partner Acme Retail is saved.").wait_for()
    partner = TradingPartner.objects.get(pk=mon.edi.partner.pk)
    assert (partner.uom_map, partner.send_855) == ({"CA": "CS"}, "on_change")

    sku = mon.edi.items[4].sku
    page.get_by_label("Our SKU").fill(sku)
    page.get_by_label("Buyer part").fill("BP-NEW-9")
    page.get_by_label("Their unit").fill("CA")
    page.get_by_role("button", name="Add or change").click()
    page.get_by_text(f"BP-NEW-9 is now our {sku}.").wait_for()
    assert PartnerItem.objects.filter(buyer_part="BP-NEW-9", item__sku=sku).exists()
    page.locator("#items").scroll_into_view_if_needed()
    shot(page, "edi-07-partner-saved")


def test_intake_queue_original_downloaded_and_item_dismissed(live_server, page, shot):
    UserFactory(username="ida", role="order_clerk", first_name="Ida", last_name="Moss")
    item = intake_item(subject="Fwd: order for Monday", sender="jo@corner-shop.example")
    intake_item(subject="PO attached (photo)", reason="the attachment is a JPEG photo")
    base = live_server.url

    _log_in(page, base, "ida")
    page.goto(f"{base}/edi/intake/")
    assert page.get_by_role("link", name="Fwd: order for Monday").is_visible()
    shot(page, "edi-08-intake-queue")

    page.get_by_role("link", name="Fwd: order for Monday").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the original").click()
    assert download.value.suggested_filename == item.filename
    shot(page, "edi-09-intake-item")

    page.get_by_label("Note").nth(1).fill("Quote request, forwarded to sales")
    page.get_by_role("button", name="Dismiss").click()
    page.get_by_text("Dismissed.").wait_for()
    shot(page, "edi-10-intake-after")
    item.refresh_from_db()
    assert item.status == IntakeStatus.DISMISSED
