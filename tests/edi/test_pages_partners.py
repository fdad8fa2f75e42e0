"""Partner profile pages and the partner service behind them: the list, a new profile, the
edit form with every field, the checks a partner's translator would otherwise make for us,
item cross-references, the 846 button; access by role; the outbound counters untouched."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from django.test import Client

from orderdesk.catalog.models import UnitOfMeasure
from orderdesk.core.errors import Forbidden
from orderdesk.core.models import Event
from orderdesk.core.roles import Role
from orderdesk.edi import partners
from orderdesk.edi.errors import EdiConflict, EdiInvalid
from orderdesk.edi.forms import PartnerForm, parse_pairs
from orderdesk.edi.models import PartnerItem, TradingPartner

from ..factories import CustomerFactory, UserFactory
from .pages_world import browser
from .world import EdiWorld, build_edi_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def edi() -> EdiWorld:
    UnitOfMeasure.objects.get_or_create(code="CS", defaults={"name": "Case"})
    UnitOfMeasure.objects.get_or_create(code="EA", defaults={"name": "Each"})
    return build_edi_world()


def coordinator() -> Any:
    return UserFactory(role=Role.DESK_COORDINATOR)


def _text(fragment: str) -> str:
    inline = re.sub(r"</?(?:span|mark|a|strong|code|em)\b[^>]*>", "", fragment)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", inline)).strip())


def form_data(partner: TradingPartner, **changes: Any) -> dict[str, Any]:
    """The edit form as the browser posts it back unchanged, with `changes` typed over it."""
    data = PartnerForm.initial_for(partner)
    data = {k: v for k, v in data.items() if v is not False}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# -- the pages --------------------------------------------------------------------------------


def test_list_shows_each_partner_with_customer_ids_and_documents(edi):
    html = browser(coordinator()).get("/edi/partners/").content.decode()
    text = _text(html)

    assert f"Acme Retail acme {edi.world.customer.name} {edi.world.customer.account_number}" in text
    assert (
        "ZZ/ACMEBUYER · ACMEBUYER ZZ/ORDERDESK · ORDERDESK 004010 850 860 855 856 810 997" in text
    )
    assert f'href="/edi/partners/{edi.partner.pk}/"' in html


def test_edit_form_shows_every_profile_field(edi):
    edi.partner.uom_map = {"CA": "CS"}
    edi.partner.segment_terminator = "\n"
    edi.partner.save()

    html = browser(coordinator()).get(f"/edi/partners/{edi.partner.pk}/").content.decode()

    for name in PartnerForm.base_fields:
        assert f'name="{name}"' in html, name
    assert 'name="segment_terminator" value="\\n"' in html
    assert ">CA=CS</textarea>" in html
    assert f">0001={edi.world.ship_to.code}</textarea>" in html
    assert '<input type="checkbox" name="documents" value="850" checked>' in html
    assert '<input type="checkbox" name="documents" value="846">' in html
    assert '<input type="radio" name="send_855" value="always" checked>' in html
    assert "Item cross-references 5" in _text(html)
    assert "BP-1" in html and edi.items[0].sku in html


def test_save_changes_profile_records_the_change_and_keeps_the_counters(edi):
    TradingPartner.objects.filter(pk=edi.partner.pk).update(next_isa=41, next_gs=7, next_st=99)
    stale = TradingPartner.objects.get(pk=edi.partner.pk)
    TradingPartner.objects.filter(pk=edi.partner.pk).update(next_isa=42)  # the sender moved on
    data = form_data(
        stale,
        send_855="on_change",
        ack_hours="12",
        uom_map="CA=CS\n# comment\n\nea = EA",
        documents=["850", "997", "846"],
    )

    response = browser(coordinator()).post(f"/edi/partners/{edi.partner.pk}/", data, follow=True)

    p = TradingPartner.objects.get(pk=edi.partner.pk)
    assert "Partner Acme Retail is saved." in response.content.decode()
    assert (p.send_855, p.ack_hours, p.uom_map) == ("on_change", 12, {"CA": "CS", "EA": "EA"})
    assert p.documents == ["850", "846", "997"]
    assert (p.next_isa, p.next_gs, p.next_st) == (42, 7, 99)
    event = Event.objects.get(action="edi.partner.updated")
    assert event.before["send_855"] == "always" and event.after["ack_hours"] == 12


def test_unchanged_save_records_nothing(edi):
    before = Event.objects.count()

    browser(coordinator()).post(f"/edi/partners/{edi.partner.pk}/", form_data(edi.partner))

    assert Event.objects.count() == before


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"isa_id": "A" * 16}, "isa_id", "is 16 characters long; X12 allows 15"),
        ({"isa_qualifier": "Z"}, "isa_qualifier", "is not a 2-character qualifier"),
        ({"component_separator": "*"}, "component_separator", "is also the element separator"),
        ({"element_separator": "A"}, "element_separator", "letter, digit or space"),
        ({"segment_terminator": "-"}, "segment_terminator", "occurs in the data"),
        ({"element_separator": "**"}, "element_separator", "Type exactly one character"),
        ({"version": "003050"}, "version", "is not one we have grammars for"),
        ({"isa_version": "00999"}, "isa_version", "is not an interchange control version"),
        ({"uom_map": "CA=ZZZ"}, "uom_map", "'ZZZ' (for their CA) is not one of our unit codes"),
        ({"uom_map": "CA"}, "uom_map", "Line 1 of the unit map ('CA') is not 'theirs=ours'"),
        ({"location_map": "0001=NOWHERE"}, "location_map", "is not a ship-to of the customer"),
        ({"customer": "NOPE"}, "customer", "There is no customer with account number NOPE"),
        ({"code": "Bad Code!"}, "code", "is not a short name"),
    ],
)
def test_refused_save_shows_the_error_at_its_field_and_changes_nothing(edi, changes, field, words):
    before = TradingPartner.objects.values().get(pk=edi.partner.pk)
    events = Event.objects.count()

    response = browser(coordinator()).post(
        f"/edi/partners/{edi.partner.pk}/", form_data(edi.partner, **changes)
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert words in " ".join(errors[field])
    assert 'aria-invalid="true"' in response.content.decode()
    assert TradingPartner.objects.values().get(pk=edi.partner.pk) == before
    assert Event.objects.count() == events


def test_repetition_separator_u_only_before_00402(edi):
    ok = partners.partner_update(actor=coordinator(), partner=edi.partner, repetition_separator="U")
    with pytest.raises(EdiInvalid, match="uses ISA11 as a repetition separator"):
        partners.partner_update(
            actor=coordinator(), partner=edi.partner, isa_version="00501", version="005010"
        )
    fine = partners.partner_update(
        actor=coordinator(),
        partner=edi.partner,
        isa_version="00501",
        version="005010",
        repetition_separator="^",
    )

    assert ok.repetition_separator == "U" and fine.repetition_separator == "^"


def test_newline_terminator_is_allowed(edi):
    p = partners.partner_update(actor=coordinator(), partner=edi.partner, segment_terminator="\n")

    assert p.segment_terminator == "\n"


def test_new_partner_page_starts_from_the_usual_set_up_and_creates(edi):
    client = browser(coordinator())
    blank = client.get("/edi/partners/new/").content.decode()
    customer = CustomerFactory()
    data = {
        "code": "bolt",
        "name": "Bolt Supply",
        "customer": customer.account_number,
        "active": "on",
        "isa_qualifier": "01",
        "isa_id": "123456789",
        "gs_id": "BOLTGS",
        "our_isa_qualifier": "ZZ",
        "our_isa_id": "ORDERDESK",
        "our_gs_id": "ORDERDESK",
        "isa_version": "00401",
        "version": "004010VICS",
        "element_separator": "*",
        "component_separator": ">",
        "repetition_separator": "U",
        "segment_terminator": "~",
        "line_break": "on",
        "test_indicator": "T",
        "documents": ["850", "997"],
        "send_855": "never",
        "ack_hours": "24",
        "duplicate_days": "90",
        "uom_map": "",
        "location_map": "",
        "folder": "",
    }

    response = client.post("/edi/partners/new/", data)

    bolt = TradingPartner.objects.get(code="bolt")
    assert 'name="version" value="004010"' in blank
    assert response["Location"] == f"/edi/partners/{bolt.pk}/"
    assert (bolt.customer, bolt.version, bolt.documents) == (customer, "004010VICS", ["850", "997"])
    assert Event.objects.filter(action="edi.partner.created", object_id=str(bolt.pk)).count() == 1


def test_new_partner_with_the_same_envelope_identity_is_a_conflict(edi):
    with pytest.raises(EdiConflict, match="already sends as ZZ/ACMEBUYER to ORDERDESK"):
        partners.partner_create(
            actor=coordinator(),
            code="acme2",
            name="Acme again",
            customer_id=edi.world.customer.pk,
            isa_id="ACMEBUYER",
            gs_id="X",
            our_isa_id="ORDERDESK",
            our_gs_id="ORDERDESK",
        )
    assert TradingPartner.objects.count() == 1


def test_add_change_and_remove_a_cross_reference(edi):
    client = browser(coordinator())
    url = f"/edi/partners/{edi.partner.pk}/items/"
    sku = edi.items[2].sku

    added = client.post(url, {"item_sku": sku, "buyer_part": "BP-NEW", "upc": "", "uom": "ca"})
    changed = client.post(url, {"item_sku": edi.items[3].sku, "buyer_part": "BP-NEW"})
    row = PartnerItem.objects.get(partner=edi.partner, buyer_part="BP-NEW")
    removed = client.post(f"/edi/partners/{edi.partner.pk}/items/{row.pk}/remove/", follow=True)

    assert added["Location"] == f"/edi/partners/{edi.partner.pk}/#items"
    assert changed.status_code == 302
    assert "The cross-reference is removed." in removed.content.decode()
    assert not PartnerItem.objects.filter(buyer_part="BP-NEW").exists()
    actions = list(
        Event.objects.filter(object_id=str(edi.partner.pk)).values_list("action", "after")
    )
    assert actions[-3:] == [
        ("edi.partner_item.set", {"sku": sku, "buyer_part": "BP-NEW", "upc": "", "uom": "CA"}),
        (
            "edi.partner_item.set",
            {"sku": edi.items[3].sku, "buyer_part": "BP-NEW", "upc": "", "uom": ""},
        ),
        ("edi.partner_item.removed", None),
    ]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"item_sku": "NO-SUCH", "buyer_part": "BP-9"}, "There is no item 'NO-SUCH'"),
        ({"item_sku": "{sku}", "upc": "12AB"}, "'12AB' is not a UPC/EAN/GTIN"),
        ({"item_sku": "{sku}"}, "needs the buyer's part number or the UPC"),
        ({"item_sku": "{sku}", "buyer_part": "BP-1", "upc": "000000000002"}, "two different"),
    ],
)
def test_refused_cross_reference_shows_why_and_changes_nothing(edi, body, words):
    body = {k: v.format(sku=edi.items[0].sku) for k, v in body.items()}
    rows = list(PartnerItem.objects.values().order_by("pk"))

    response = browser(coordinator()).post(f"/edi/partners/{edi.partner.pk}/items/", body)

    assert response.status_code == 200
    assert words in _text(response.content.decode()).replace("“", "'").replace("”", "'")
    assert list(PartnerItem.objects.values().order_by("pk")) == rows


def test_846_button_only_when_the_partner_takes_846(edi, make_user):
    client = browser(coordinator())
    url = f"/edi/partners/{edi.partner.pk}/"

    without = client.get(url).content.decode()
    partners.partner_update(actor=coordinator(), partner=edi.partner, documents=["850", "846"])
    with_846 = client.get(url).content.decode()

    assert "Send inventory advice (846)" not in without
    assert "Send inventory advice (846)" in with_846


@pytest.mark.parametrize("role", [Role.ORDER_CLERK, Role.WAREHOUSE, Role.PORTAL, Role.TECHNICIAN])
def test_partner_pages_need_edi_setup(edi, make_user, role):
    client = browser(make_user(role))
    url = f"/edi/partners/{edi.partner.pk}/"

    assert client.get("/edi/partners/").status_code == 403
    assert client.get(url).status_code == 403
    assert client.post(url, form_data(edi.partner, name="Hacked")).status_code == 403
    assert TradingPartner.objects.get(pk=edi.partner.pk).name == "Acme Retail"


def test_the_service_checks_the_role_too(edi):
    with pytest.raises(Forbidden):
        partners.partner_update(
            actor=UserFactory(role=Role.ORDER_CLERK), partner=edi.partner, name="x"
        )


def test_partner_tab_shown_to_coordinators_not_clerks(edi):
    assert 'href="/edi/partners/"' in browser(coordinator()).get("/edi/").content.decode()
    clerk = browser(UserFactory(role=Role.ORDER_CLERK)).get("/edi/").content.decode()
    assert 'href="/edi/partners/"' not in clerk


def test_partner_page_query_count_does_not_grow_with_cross_references(
    edi, django_assert_max_num_queries
):
    client: Client = browser(coordinator())
    client.get(f"/edi/partners/{edi.partner.pk}/")
    for n in range(40):
        PartnerItem.objects.create(partner=edi.partner, item=edi.items[0], upc=f"9{n:011d}")

    with django_assert_max_num_queries(10):
        client.get(f"/edi/partners/{edi.partner.pk}/")


def test_parse_pairs():
    assert parse_pairs("CA=CS\n  EA : EA \n#x\n", "unit map") == {"CA": "CS", "EA": "EA"}
    with pytest.raises(Exception, match="'CA' is mapped twice"):
        parse_pairs("CA=CS\nCA=EA", "unit map")
