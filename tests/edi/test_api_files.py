"""POST /edi/files through the real inbound gateway and spreadsheet intake: an 850 becomes an
order, a bad one a rejected document with its error list, the same file twice makes no
second order, a large file is queued (202) and read by the task's function, anything else
is a 422; only EDI operators may upload."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from orderdesk.core.roles import Role
from orderdesk.edi.inbound import stored_file_process
from orderdesk.edi.models import DocumentStatus, EdiDocument, IntakeItem, Interchange
from orderdesk.orders.models import SalesOrder

from .pages_world import media  # noqa: F401
from .world import EdiWorld, build_edi_world, x12_850

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]
URL = "/api/v1/edi/files"


@pytest.fixture
def edi() -> EdiWorld:
    return build_edi_world()


def upload(client, text: str | bytes, name: str = "po.x12", **extra):  # type: ignore[no-untyped-def]
    data = text.encode() if isinstance(text, str) else text
    return client.post(URL, {"file": SimpleUploadedFile(name, data), **extra})


def test_an_850_becomes_an_order_and_the_same_file_again_makes_none(edi, clerk_api):
    text = x12_850(po="PO-API-1", isa13=501)

    first = upload(clerk_api, text)
    second = upload(clerk_api, text)

    assert first.status_code == 201
    body = first.json()
    order = SalesOrder.objects.get(customer_po="PO-API-1")
    assert (body["kind"], body["orders"]) == ("x12", [order.number])
    assert [d["reference"] for d in body["documents"]] == ["PO-API-1"]
    assert body["documents"][0]["order_number"] == order.number
    assert body["interchanges"][0]["control_number"] == "000000501"
    assert second.status_code == 201
    assert second.json()["orders"] == []
    assert second.json()["interchanges"][0]["status"] == "duplicate"
    assert SalesOrder.objects.filter(customer_po="PO-API-1").count() == 1


def test_a_bad_unit_is_a_rejected_document_with_the_element_in_error(edi, clerk_api):
    text = x12_850(po="PO-API-2", isa13=502, lines=[("10", "EACH", "10.00", "BP-1")])

    body = upload(clerk_api, text).json()

    doc = EdiDocument.objects.get(reference="PO-API-2")
    assert body["orders"] == []
    assert doc.status in (DocumentStatus.REJECTED, DocumentStatus.FAILED)
    element = [e for e in doc.errors if e["level"] == "element"]
    assert [(e["segment_id"], e["element"], e["value"]) for e in element] == [("PO1", 3, "EACH")]
    read = clerk_api.get(f"/api/v1/edi/documents/{doc.pk}").json()
    assert read["errors"][0]["where"].startswith("Element PO1-03 of segment PO1 at position")


def test_large_x12_file_is_queued_and_the_task_reads_it(edi, clerk_api, settings):
    settings.ORDERDESK_EDI_SYNC_UPLOAD_BYTES = 100
    text = x12_850(po="PO-API-BIG", isa13=503)

    response = upload(clerk_api, text, name="big.x12")

    assert response.status_code == 202
    body = response.json()
    assert (body["queued"], body["source"], body["size"]) == (True, "upload:big.x12", len(text))
    assert body["task_id"]
    assert not SalesOrder.objects.filter(customer_po="PO-API-BIG").exists()
    summary = stored_file_process(path=body["path"], source=body["source"])
    assert "1 interchange" in summary
    assert SalesOrder.objects.filter(customer_po="PO-API-BIG").count() == 1


def test_unreadable_file_is_422_with_the_fix(edi, clerk_api):
    response = upload(clerk_api, b"%PDF-1.7 not an order", name="po.pdf")

    body = response.json()
    assert (response.status_code, body["code"], body["field"]) == (
        422,
        "edi_file_unreadable",
        "file",
    )
    assert "upload an X12 file" in body["fix"]
    assert Interchange.objects.count() == 0


def test_too_large_file_is_refused(edi, clerk_api, settings):
    settings.ORDERDESK_EDI_MAX_UPLOAD_BYTES = 10

    response = upload(clerk_api, x12_850(isa13=504))

    assert (response.status_code, response.json()["code"]) == (422, "edi_file_too_large")
    assert Interchange.objects.count() == 0


def test_a_spreadsheet_po_for_an_unknown_customer_waits_for_a_clerk(edi, clerk_api):
    csv = b"customer,customer_po,sku,quantity\nNOPE,PO-CSV-1,X,1\n"

    response = upload(clerk_api, csv, name="po.csv")

    body = response.json()
    assert response.status_code == 201
    assert (body["kind"], body["orders"]) == ("spreadsheet", [])
    item = IntakeItem.objects.get(pk=body["intake_item_ids"][0])
    assert (item.status, item.filename) == ("waiting", "po.csv")


def test_a_spreadsheet_with_an_unknown_customer_account_is_422(edi, clerk_api):
    response = upload(clerk_api, b"sku,quantity\nX,1\n", name="po.csv", customer="NOPE")

    assert (response.status_code, response.json()["field"]) == (422, "customer")
    assert IntakeItem.objects.count() == 0


@pytest.mark.parametrize("role", [Role.PORTAL, Role.TECHNICIAN, Role.WAREHOUSE, Role.BILLING])
def test_upload_needs_edi_operate(edi, api_client, role):
    response = upload(api_client(role), x12_850(isa13=505))

    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    assert Interchange.objects.count() == 0


def test_upload_is_in_the_openapi_document_as_multipart(client):
    spec = client.get("/api/v1/openapi.json").json()
    op = spec["paths"]["/api/v1/edi/files"]["post"]

    assert "multipart/form-data" in op["requestBody"]["content"]
    assert {"201", "202", "401", "403", "422"} <= set(op["responses"])
