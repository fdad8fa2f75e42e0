"""Shipping documents as HTML and PDF (WeasyPrint), rendered from their frozen data.

A `ShippingDocument` carries the data it was issued with (`paperwork.py`); the page, the
PDF and any reprint are made from that, never from the shipment as it is now. The HTML is
one self-contained page (the shipment page shows it as it is; the PDF is printed from it),
so what a clerk sees on screen is what the carrier gets.

PDFs are made on demand or by the outbox worker (attachment
{"render": "orderdesk.fulfilment.documents:document_pdf", "args": {"document_id": id}}),
never in the ship transaction: WeasyPrint takes a few hundred milliseconds.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from orderdesk.orders.acknowledgement import company_name
from orderdesk.orders.documents import html_to_pdf, paper_size

from .models import DocumentKind, ShippingDocument

#: The worker renders a document's PDF with this (a dotted path: no registration needed).
PDF_RENDERER = "orderdesk.fulfilment.documents:document_pdf"
TEMPLATES = {
    DocumentKind.PACKING_LIST: "fulfilment/documents/packing_list.html",
    DocumentKind.BILL_OF_LADING: "fulfilment/documents/bill_of_lading.html",
    DocumentKind.COMMERCIAL_INVOICE: "fulfilment/documents/commercial_invoice.html",
    DocumentKind.EXPORT_FILING: "fulfilment/documents/export_filing.html",
}
TITLES = {
    DocumentKind.PACKING_LIST: "Packing list",
    DocumentKind.BILL_OF_LADING: "Straight bill of lading",
    DocumentKind.COMMERCIAL_INVOICE: "Commercial invoice",
    DocumentKind.EXPORT_FILING: "Export filing data (EEI)",
}
_SLUGS = {
    DocumentKind.PACKING_LIST: "packing-list",
    DocumentKind.BILL_OF_LADING: "bill-of-lading",
    DocumentKind.COMMERCIAL_INVOICE: "commercial-invoice",
    DocumentKind.EXPORT_FILING: "export-filing",
}


def document_title(document: ShippingDocument) -> str:
    kind = DocumentKind(document.kind)
    return f"{TITLES[kind]} {document.number}"


def document_filename(document: ShippingDocument) -> str:
    """E.g. "BOL000012-bill-of-lading-SH000031.pdf": the number first, so files sort."""
    kind = DocumentKind(document.kind)
    shipment = (document.data.get("shipment") or {}).get("number", "")
    tail = f"-{shipment}" if shipment else ""
    return f"{document.number}-{_SLUGS[kind]}{tail}.pdf"


def document_context(document: ShippingDocument) -> dict[str, Any]:
    data = document.data
    return {
        "doc": data,
        "number": document.number,
        "kind": document.kind,
        "title": document_title(document),
        "heading": TITLES[DocumentKind(document.kind)],
        "filename": document_filename(document),
        # The name as it was on the document; older data without it falls back to now.
        "company": (data.get("shipper") or {}).get("name") or company_name(),
        "issued": document.created_at,
        "paper": paper_size(),
    }


def document_html(document: ShippingDocument) -> str:
    """The document as one self-contained HTML page (the PDF's source)."""
    template = TEMPLATES[DocumentKind(document.kind)]
    return render_to_string(template, document_context(document))


def document_pdf(document_id: int) -> bytes:
    """The PDF of one shipping document (also the outbox renderer, args {"document_id"})."""
    document = ShippingDocument.objects.get(pk=document_id)
    return html_to_pdf(document_html(document))
