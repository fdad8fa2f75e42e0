"""Order documents as HTML and PDF (WeasyPrint).

Documents are rendered from what was frozen when they were issued (an acknowledgement from
its `data`), never from the order as it is now, so a reprint shows what the customer got.
PDFs are made by the outbox worker (the e-mail attachment names `acknowledgement_pdf`),
not in a request or an intake transaction: WeasyPrint takes a few hundred milliseconds.

WeasyPrint needs Pango (Debian: libpango-1.0-0, libpangoft2-1.0-0) and a font
(fonts-dejavu-core); it is imported only when a PDF is made.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from .acknowledgement import ack_pdf_filename, ack_subject, change_rows, company_name
from .models import Acknowledgement
from .states import FobPoint, FreightPayment, Incoterm, LineStatus

#: "A4" or "letter" (settings.ORDERDESK_PAPER_SIZE); A4 unless set.
DEFAULT_PAPER = "A4"


def paper_size() -> str:
    """The paper of every printed document: settings.ORDERDESK_PAPER_SIZE, A4 unless "letter"."""
    paper = str(getattr(settings, "ORDERDESK_PAPER_SIZE", "") or DEFAULT_PAPER)
    return "letter" if paper.lower() == "letter" else "A4"


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def acknowledgement_context(ack: Acknowledgement) -> dict[str, Any]:
    data = ack.data
    terms = data["freight_terms"]
    incoterm = ""
    if terms["incoterm"]:
        incoterm = _label(Incoterm, terms["incoterm"])
        if terms["incoterm_place"]:
            incoterm += f", {terms['incoterm_place']}"
    lines = [{**line, "status_label": _label(LineStatus, line["status"])} for line in data["lines"]]
    return {
        "ack": data,
        "lines": lines,
        "changes": change_rows(data),
        "company": company_name(),
        "title": ack_subject(data),
        "filename": ack_pdf_filename(data),
        "issued": ack.created_at,
        "paper": paper_size(),
        "incoterm": incoterm,
        "fob_point": _label(FobPoint, terms["fob_point"]) if terms["fob_point"] else "",
        "freight_payment": (
            _label(FreightPayment, terms["freight_payment"]) if terms["freight_payment"] else ""
        ),
    }


def acknowledgement_html(ack: Acknowledgement) -> str:
    """The acknowledgement as one self-contained HTML page (the PDF's source; a browser
    preview shows the same)."""
    return render_to_string("orders/documents/acknowledgement.html", acknowledgement_context(ack))


def html_to_pdf(html: str) -> bytes:
    """A PDF of a self-contained HTML page; nothing outside it is fetched (data: URLs only)."""
    from weasyprint import HTML

    options: dict[str, Any] = {}
    try:
        from weasyprint.urls import URLFetcher
    except ImportError:  # WeasyPrint before 67: the templates reference no external resources
        pass
    else:
        options["url_fetcher"] = URLFetcher(allowed_protocols={"data"})
    return bytes(HTML(string=html, **options).write_pdf())


def acknowledgement_pdf(*, ack_id: int) -> bytes:
    """The PDF of one acknowledgement revision (the outbox renderer
    "orderdesk.orders.documents:acknowledgement_pdf", args {"ack_id": …})."""
    ack = Acknowledgement.objects.get(pk=ack_id)
    return html_to_pdf(acknowledgement_html(ack))
