"""Release: allocated orders become pick lists, grouped into waves by carrier cut-off and
priority; open waves are reused; what may not go stays where it is."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from orderdesk.core.errors import Forbidden
from orderdesk.core.models import Event
from orderdesk.core.roles import Role
from orderdesk.fulfilment.errors import FulfilmentConflict
from orderdesk.fulfilment.models import PickLine, PickList, Wave, WaveStatus
from orderdesk.fulfilment.release import carrier_cutoff, orders_release
from orderdesk.orders.models import Allocation, SalesOrder
from orderdesk.parties.models import Carrier, ShipMethod

from ..factories import UserFactory
from .flow import TODAY, D, get, order_row, place, post, release

pytestmark = pytest.mark.django_db

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


def at(hour: int, minute: int = 0, day: dt.date = TODAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=CHICAGO)


NOON = at(12)


@pytest.fixture
def carriers(desk):
    ups = desk.ship_method.carrier
    ups.pickup_cutoff = dt.time(17, 0)
    ups.save()
    fedex = Carrier.objects.create(scac="FDEG", name="FedEx Ground", pickup_cutoff=dt.time(15))
    ShipMethod.objects.create(code="FDX-GND", carrier=fedex, name="FedEx Ground", transit_days=3)
    courier = Carrier.objects.create(scac="LOCL", name="Local courier")  # no cut-off
    ShipMethod.objects.create(code="LOCAL", carrier=courier, name="Same-day courier")
    return desk


def keeper():
    return UserFactory(role=Role.WAREHOUSE)


def test_waves_group_by_carrier_cutoff_and_priority_first_cutoff_first(clerk_api, carriers):
    desk = carriers
    s = [i.sku for i in desk.items]
    a = place(clerk_api, desk, (s[0], "1"), customer_po="A")
    b = place(clerk_api, desk, (s[1], "2"), customer_po="B", ship_method="FDX-GND")
    c = place(clerk_api, desk, (s[2], "3"), customer_po="C", rush=True)
    d = place(clerk_api, desk, (s[3], "4"), customer_po="D")
    e = place(clerk_api, desk, (s[4], "5"), customer_po="E", ship_method="LOCAL")

    waves = orders_release(actor=keeper(), warehouse=desk.warehouse, today=TODAY, now=NOON)

    assert [(w.carrier.scac, w.cutoff, w.priority) for w in waves] == [
        ("FDEG", at(15), 5),
        ("UPSN", at(17), 1),
        ("UPSN", at(17), 5),
        ("LOCL", None, 5),
    ]
    orders = {w.number: sorted(pl.order_id for pl in w.pick_lists.all()) for w in waves}
    assert list(orders.values()) == [[b["id"]], [c["id"]], sorted([a["id"], d["id"]]), [e["id"]]]
    assert [w.number for w in Wave.objects.all()] == [w.number for w in waves]  # model order
    for o in (a, b, c, d, e):
        assert order_row(o["id"]).status == "released"
    assert not Allocation.objects.filter(released=False).exists()
    pick_list = PickList.objects.get(order_id=d["id"])
    [line] = PickLine.objects.filter(pick_list=pick_list)
    assert (line.item.sku, line.quantity, line.lot, line.order_line.line_no) == (s[3], D(4), "", 1)
    assert line.allocation.released


def test_a_cutoff_already_passed_is_tomorrows(carriers):
    desk = carriers
    fedex = Carrier.objects.get(scac="FDEG")
    late = at(16)

    assert carrier_cutoff(fedex, desk.warehouse, today=TODAY, now=NOON) == at(15)
    assert carrier_cutoff(fedex, desk.warehouse, today=TODAY, now=late) == at(
        15, day=TODAY + dt.timedelta(days=1)
    )
    assert (
        carrier_cutoff(Carrier.objects.get(scac="LOCL"), desk.warehouse, today=TODAY, now=late)
        is None
    )


def test_after_the_fedex_cutoff_ups_goes_first(clerk_api, carriers):
    desk = carriers
    s = [i.sku for i in desk.items]
    place(clerk_api, desk, (s[0], "1"), customer_po="A")
    place(clerk_api, desk, (s[1], "1"), customer_po="B", ship_method="FDX-GND")

    waves = orders_release(actor=keeper(), warehouse=desk.warehouse, today=TODAY, now=at(16))

    assert [(w.carrier.scac, w.cutoff) for w in waves] == [
        ("UPSN", at(17)),
        ("FDEG", at(15, day=TODAY + dt.timedelta(days=1))),
    ]


def test_an_open_wave_with_the_same_key_is_reused_and_a_done_one_is_not(clerk_api, carriers):
    desk = carriers
    s = [i.sku for i in desk.items]
    a = place(clerk_api, desk, (s[0], "1"), customer_po="A")
    [first] = orders_release(actor=keeper(), warehouse=desk.warehouse, today=TODAY, now=NOON)
    b = place(clerk_api, desk, (s[1], "1"), customer_po="B")

    [again] = orders_release(actor=keeper(), warehouse=desk.warehouse, today=TODAY, now=NOON)

    assert again.pk == first.pk
    assert sorted(first.pick_lists.values_list("order_id", flat=True)) == sorted([a["id"], b["id"]])
    Wave.objects.filter(pk=first.pk).update(status=WaveStatus.DONE)
    place(clerk_api, desk, (s[2], "1"), customer_po="C")
    [third] = orders_release(actor=keeper(), warehouse=desk.warehouse, today=TODAY, now=NOON)
    assert third.pk != first.pk


def test_release_records_events_on_order_wave_and_pick_list(clerk_api, carriers):
    desk = carriers
    order = place(clerk_api, desk, (desk.items[0].sku, "2"))

    [wave] = orders_release(actor=keeper(), warehouse=desk.warehouse, today=TODAY, now=NOON)

    pick_list = PickList.objects.get(order_id=order["id"])
    on_order = list(
        Event.objects.filter(object_type="orders.salesorder", object_id=str(order["id"]))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert on_order[-2:] == ["order.pick_list_created", "order.released"]
    assert list(
        Event.objects.filter(object_type="fulfilment.wave").values_list("action", flat=True)
    ) == ["wave.created", "wave.pick_list_added"]
    event = Event.objects.get(object_type="fulfilment.picklist", action="pick_list.created")
    assert event.after["wave"] == wave.number
    assert event.after["lines"] == [
        {"line_no": 1, "sku": desk.items[0].sku, "lot": "", "quantity": "2.0000"}
    ]
    assert pick_list.number.startswith("PK") and wave.number.startswith("WV")


def test_releasing_again_finds_nothing_new(clerk_api, carriers):
    desk = carriers
    place(clerk_api, desk, (desk.items[0].sku, "2"))
    orders_release(actor=keeper(), warehouse=desk.warehouse, today=TODAY, now=NOON)

    assert orders_release(actor=keeper(), warehouse=desk.warehouse, today=TODAY, now=NOON) == []
    assert PickList.objects.count() == 1


def test_a_held_order_named_explicitly_is_refused_and_nothing_is_released(clerk_api, carriers):
    desk = carriers
    ok = place(clerk_api, desk, (desk.items[0].sku, "2"), customer_po="OK")
    _status, held = post(
        clerk_api, "/orders", desk.body((desk.items[1].sku, "1", "1.00"), customer_po="HELD")
    )
    assert held["status"] == "held"
    orders = list(SalesOrder.objects.filter(pk__in=[ok["id"], held["id"]]))

    with pytest.raises(
        FulfilmentConflict, match=f"{held['number']} cannot be released: order .* is on hold"
    ):
        orders_release(
            actor=keeper(), warehouse=desk.warehouse, orders=orders, today=TODAY, now=NOON
        )

    assert PickList.objects.count() == 0 and Wave.objects.count() == 0
    assert order_row(ok["id"]).status == "allocated"


def test_only_warehouse_roles_release(clerk_api, carriers):
    desk = carriers
    place(clerk_api, desk, (desk.items[0].sku, "2"))

    with pytest.raises(Forbidden):
        orders_release(
            actor=UserFactory(role=Role.ORDER_CLERK), warehouse=desk.warehouse, today=TODAY
        )
    status, body = release(clerk_api, desk)

    assert (status, body["code"]) == (403, "forbidden")
    assert PickList.objects.count() == 0


def test_release_through_the_api_answers_the_waves_and_lists_them(clerk_api, wh_api, carriers):
    desk = carriers
    order = place(clerk_api, desk, (desk.items[0].sku, "2"), rush=True)

    status, waves = release(wh_api, desk, orders=[order["id"]])

    assert status == 200, waves
    [wave] = waves
    assert (wave["carrier"], wave["priority"], wave["status"]) == ("UPSN", 1, "open")
    status, detail = get(wh_api, f"/waves/{wave['id']}")
    assert [pl["order"] for pl in detail["pick_lists"]] == [order["number"]]
    status, listed = get(wh_api, "/waves", warehouse=desk.warehouse.pk, status="open")
    assert [w["number"] for w in listed["items"]] == [wave["number"]]
    status, lists = get(wh_api, "/pick-lists", warehouse=desk.warehouse.pk, status="open")
    assert [pl["order"] for pl in lists["items"]] == [order["number"]]
    status, body = release(wh_api, desk, orders=[order["id"]])
    assert (status, body["code"]) == (409, "release_refused")
    assert "has no allocated stock in CHI waiting for release" in body["message"]
