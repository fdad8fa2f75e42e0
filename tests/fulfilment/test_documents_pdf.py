"""Shipping documents as PDF: each renders, and its text (read back with pypdf) holds what
carriers and customs look for. Two are also drawn as PNG into test-artifacts/ to be looked
at (pdftoppm when installed; else the HTML in Debian's Chromium)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from orderdesk.fulfilment.documents import PDF_RENDERER, document_html, document_pdf
from orderdesk.fulfilment.models import ShippingDocument
from orderdesk.fulfilment.paperwork import shipping_documents_issue
from orderdesk.notify.services import attachment_renderer

from .docs_world import (
    EMERGENCY,
    DocsWorld,
    LineSpec,
    PackSpec,
    ShipSpec,
    build_docs_world,
    make_order,
    make_shipment,
)

pytestmark = pytest.mark.django_db

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")


def _text(pdf: bytes) -> str:
    """The PDF's text, whitespace collapsed (pypdf breaks lines where the layout does)."""
    from pypdf import PdfReader

    raw = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", " ", raw)


def _pages(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def w() -> DocsWorld:
    pytest.importorskip("pypdf")
    return build_docs_world()


def _ltl_hazmat_docs(w: DocsWorld) -> dict[str, ShippingDocument]:
    order = make_order(
        w,
        [
            LineSpec("paint", "6", "89.00"),
            LineSpec("aerosol", "48", "4.25"),
            LineSpec("bracket", "40", "12.50"),
            LineSpec("adhesive", "4", "40.00", unit="CS"),
        ],
        method=w.ltl,
        customer_po="PO-88120",
    )
    shipment = make_shipment(
        w,
        order,
        [
            ShipSpec(1, "4", package=0),
            ShipSpec(2, "48", package=1),
            ShipSpec(3, "40", package=1),
            ShipSpec(4, "24", lot="L2401", package=1),
            ShipSpec(4, "12", lot="L2402", package=1),
        ],
        [
            PackSpec("pallet", "104.5", ("120", "100", "80")),
            PackSpec("pallet", "88", ("120", "100", "110")),
        ],
        method=w.ltl,
        tracking="",
        pro_number="PRO-0778812",
        freight_payment="third_party",
        third_party_bill_to={
            "name": "Freight Audit Co",
            "account": "FA-2210",
            "line1": "1 Audit Way",
            "city": "Omaha",
            "region": "NE",
            "postal_code": "68102",
            "country": "US",
        },
    )
    return {d.kind: d for d in shipping_documents_issue(shipment=shipment)}


def _export_docs(w: DocsWorld) -> dict[str, ShippingDocument]:
    order = make_order(
        w,
        [
            LineSpec("radio", "20", "149.00"),
            LineSpec("bracket", "10", "12.50"),
            LineSpec("adhesive", "2", "40.00", unit="CS"),
        ],
        ship_to=w.ship_to_de,
        incoterm="DAP",
        incoterm_place="München",
        customer_po="PO-DE-311",
    )
    shipment = make_shipment(
        w,
        order,
        [
            ShipSpec(1, "20", package=0),
            ShipSpec(2, "10", package=0),
            ShipSpec(3, "24", lot="L2401", package=1),
        ],
        [PackSpec("carton", "19.4"), PackSpec("carton", "3.1", ("30", "20", "15"))],
        export_reason="sale",
    )
    return {d.kind: d for d in shipping_documents_issue(shipment=shipment)}


def test_packing_list_pdf_holds_its_fields(w):
    doc = _ltl_hazmat_docs(w)["packing_list"]
    pdf = document_pdf(doc.pk)
    assert pdf.startswith(b"%PDF")
    text = _text(pdf)
    shipment = doc.shipment
    for expected in [
        "Packing list",
        doc.number,
        "OrderDesk",
        "2400 W Fulton Street",
        "+1 312 555 0100",
        "Acme Springfield Plant",
        "1200 Industrial Parkway",
        "+1 217 555 0134",
        shipment.order.number,
        "PO-88120",
        shipment.number,
        "2026-03-16",
        "Old Dominion Freight Line",
        "LTL Standard",
        "PRO-0778812",
        "Pallet",
        "104.50 kg",
        "120 × 100 × 80 cm",
        "PNT-5G",
        "EPX-50",
        "L2401",
        "L2402",
        "backordered: 2",  # paint: 6 ordered, 4 shipped
        "backordered: 1",  # adhesive: 4 cases ordered, 3 shipped
        "192.50 kg",  # total weight
        "Dock 4, Mon–Fri 07:00–15:00, liftgate required",
    ]:
        assert expected in text, expected
    assert _pages(pdf) == 1


def test_bill_of_lading_pdf_holds_what_the_carrier_needs(w):
    doc = _ltl_hazmat_docs(w)["bill_of_lading"]
    pdf = document_pdf(doc.pk)
    text = _text(pdf)
    for expected in [
        "Straight bill of lading",
        "not negotiable",
        doc.number,
        "ODFL",  # SCAC
        "Old Dominion Freight Line",
        "PRO-0778812",
        "Acme Springfield Plant",  # consignee
        "Freight Audit Co",  # third-party bill-to
        "FA-2210",
        "Omaha, NE 68102",
        "Third party",  # freight terms
        "PO-88120",
        "2 pallet",  # handling units
        "192.50",  # total weight kg
        "424.4",  # total weight lb
        "149980",  # NMFC of the paint
        "55",  # its class
        "61680",
        "70",
        "UN1263, Paint, 3, PG II",
        "UN1950, Aerosols, flammable, 2.1",
        EMERGENCY,
        "properly classified",
        "Dock 4, Mon–Fri 07:00–15:00, liftgate required",
        "SHIPPER SIGNATURE",  # headings are set in capitals
        "CARRIER SIGNATURE",
    ]:
        assert expected in text, expected
    assert text.count(" X ") >= 2  # the H.M. column marks both hazmat lines
    assert _pages(pdf) == 1


def test_commercial_invoice_pdf_holds_what_customs_needs(w):
    doc = _export_docs(w)["commercial_invoice"]
    pdf = document_pdf(doc.pk)
    text = _text(pdf)
    for expected in [
        "Commercial invoice",
        doc.number,
        "OrderDesk",  # exporter
        "Acme Europa GmbH",  # consignee
        "Landsberger Straße 155",
        "Acme Industrial Supply — Accounts Payable",  # sold to
        "8517.62",
        "7326.90",
        "3506.91",
        "CN",
        "DE",
        "DAP Delivered at Place, München",
        "USD",
        "149.00",
        "2,980.00",
        "125.00",
        "80.00",
        "3,185.00",
        "Sale",
        "true and correct",
        "PO-DE-311",
    ]:
        assert expected in text, expected
    assert _pages(pdf) == 1


def test_export_filing_pdf_holds_the_eei_data_and_what_is_missing(w, settings):
    settings.ORDERDESK_EXPORT_PORTS = {"CHI": "3901"}
    doc = _export_docs(w)["export_filing"]
    pdf = document_pdf(doc.pk)
    text = _text(pdf)
    for expected in [
        "Export filing data (EEI)",
        doc.number,
        "Required",
        "Schedule B 8517620090 is worth USD 2980, over USD 2,500",
        "EIN: missing",
        "The exporter's EIN is not set",
        "Acme Europa GmbH",
        "DE",
        "IL",
        "3901",
        "40 Air",
        "UPSN",
        "8517620090",
        "5A992.C",
        "EAR99",
        "C33",
        "2,980",
    ]:
        assert expected in text, expected


def test_pdf_renderer_works_as_an_outbox_attachment(w):
    doc = _export_docs(w)["packing_list"]
    render = attachment_renderer(PDF_RENDERER)
    pdf = render(document_id=doc.pk)
    assert pdf.startswith(b"%PDF")
    assert doc.number in _text(pdf)


def test_letter_paper_when_configured(w, settings):
    from pypdf import PdfReader

    doc = _export_docs(w)["packing_list"]
    settings.ORDERDESK_PAPER_SIZE = "letter"
    box = PdfReader(io.BytesIO(document_pdf(doc.pk))).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
    settings.ORDERDESK_PAPER_SIZE = "A4"
    box = PdfReader(io.BytesIO(document_pdf(doc.pk))).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def _png_from_pdf(pdf: bytes, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    source = ARTIFACTS / f"{name}.pdf"
    source.write_bytes(pdf)
    stem = ARTIFACTS / name
    subprocess.run(
        ["pdftoppm", "-png", "-r", "110", "-singlefile", str(source), str(stem)],
        check=True,
        timeout=60,
    )
    return stem.with_suffix(".png")


def _png_from_html(html: str, name: str) -> Path:
    sync_api = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1000, "height": 1300})
        page.set_content(html)
        page.screenshot(path=str(path), full_page=True)
        browser.close()
    return path


def test_two_documents_drawn_as_images_for_a_look(w):
    docs = [_ltl_hazmat_docs(w)["bill_of_lading"], _export_docs(w)["commercial_invoice"]]
    use_pdf = shutil.which("pdftoppm") is not None
    if not use_pdf and not CHROMIUM.exists():
        pytest.skip("needs pdftoppm (poppler-utils) or Chromium at /usr/bin/chromium")
    made = []
    for doc in docs:
        name = f"shipping-{doc.kind}"
        if use_pdf:
            made.append(_png_from_pdf(document_pdf(doc.pk), name))
        else:
            made.append(_png_from_html(document_html(doc), name))
    for path in made:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert path.stat().st_size > 20_000
