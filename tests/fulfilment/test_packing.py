"""Packing: everything picked packed exactly once, weights and sizes, one carton by default."""

from __future__ import annotations

from typing import Any

import pytest

from orderdesk.fulfilment.models import Package, PackageLine, PickList

from .flow import D, lines_of, lot_item, pick_all, pick_list_for, place, post, release

pytestmark = pytest.mark.django_db


def pack(client, pick_list_id: int, packages: list[dict] | None) -> tuple[int, Any]:
    return post(client, f"/pick-lists/{pick_list_id}/pack", {"packages": packages})


@pytest.fixture
def picked(clerk_api, wh_api, desk):
    """An order of 3 + 2 picked in full; returns (pick list, its lines)."""
    order = place(clerk_api, desk, (desk.items[0].sku, "3"), (desk.items[1].sku, "2"))
    release(wh_api, desk)
    pl = pick_list_for(order["id"])
    pick_all(wh_api, pl.pk)
    return pl, lines_of(wh_api, pl.pk)


def nothing_packed(pl: PickList) -> bool:
    pl.refresh_from_db()
    return (
        pl.status == "picked" and not Package.objects.exists() and not PackageLine.objects.exists()
    )


def test_one_carton_by_default_weighed_from_the_items(wh_api, picked):
    pl, lines = picked

    status, body = pack(wh_api, pl.pk, None)

    assert status == 200, body
    [carton] = body
    assert (carton["kind"], carton["weight_kg"]) == ("carton", "2.5000")  # 5 × 0.5 kg
    assert sorted((c["pick_line"], c["quantity"]) for c in carton["contents"]) == [
        (lines[0]["id"], "3.0000"),
        (lines[1]["id"], "2.0000"),
    ]
    pl.refresh_from_db()
    assert pl.status == "packed" and pl.packed_at is not None
    assert carton["number"].startswith("PKG")


def test_packages_with_weight_dimensions_and_split_contents(wh_api, picked):
    pl, lines = picked
    packages = [
        {
            "kind": "carton",
            "weight_kg": "1.25",
            "length_cm": "40",
            "width_cm": "30",
            "height_cm": "20.5",
            "contents": [
                {"pick_line": lines[0]["id"], "quantity": "2"},
                {"pick_line": lines[1]["id"], "quantity": "2"},
            ],
        },
        {
            "kind": "envelope",
            "weight_kg": "0.4",
            "contents": [{"pick_line": lines[0]["id"], "quantity": "1"}],
        },
    ]

    status, body = pack(wh_api, pl.pk, packages)

    assert status == 200, body
    assert [(p["kind"], p["weight_kg"], p["height_cm"]) for p in body] == [
        ("carton", "1.2500", "20.50"),
        ("envelope", "0.4000", "0.00"),
    ]
    assert PackageLine.objects.count() == 3


def test_something_left_unpacked_is_refused_naming_line_and_quantities(wh_api, picked, desk):
    pl, lines = picked
    packages = [
        {"weight_kg": "2", "contents": [{"pick_line": lines[0]["id"], "quantity": "2"}]},
    ]

    status, body = pack(wh_api, pl.pk, packages)

    assert (status, body["code"]) == (422, "pack_mismatch")
    assert body["message"] == (
        "pack everything picked exactly once: "
        f"line 1 ({desk.items[0].sku}): 3 picked, 2 packed; "
        f"line 2 ({desk.items[1].sku}): 2 picked, 0 packed"
    )
    assert nothing_packed(pl)


def test_something_packed_twice_is_refused(wh_api, picked, desk):
    pl, lines = picked
    both = [
        {"pick_line": lines[0]["id"], "quantity": "3"},
        {"pick_line": lines[1]["id"], "quantity": "2"},
    ]
    packages = [
        {"weight_kg": "2", "contents": both},
        {"weight_kg": "1", "contents": [{"pick_line": lines[1]["id"], "quantity": "1"}]},
    ]

    status, body = pack(wh_api, pl.pk, packages)

    assert (status, body["code"]) == (422, "pack_mismatch")
    assert f"line 2 ({desk.items[1].sku}): 2 picked, 3 packed" in body["message"]
    assert nothing_packed(pl)


@pytest.mark.parametrize(
    ("package", "field"),
    [
        ({"weight_kg": "0"}, "packages.0.weight_kg"),
        ({"weight_kg": "1", "length_cm": "-1"}, "packages.0.length_cm"),
        ({"weight_kg": "1.00001"}, "packages.0.weight_kg"),
        ({"weight_kg": "1", "contents": []}, "packages.0.contents"),
    ],
)
def test_a_package_without_weight_or_with_bad_sizes_is_refused(wh_api, picked, package, field):
    pl, lines = picked
    body_in = {"contents": [{"pick_line": lines[0]["id"], "quantity": "3"}], **package}

    status, body = pack(wh_api, pl.pk, [body_in])

    assert (status, body["field"]) == (422, field)
    assert nothing_packed(pl)


def test_an_unknown_kind_is_refused(wh_api, picked):
    pl, lines = picked
    contents = [
        {"pick_line": lines[0]["id"], "quantity": "3"},
        {"pick_line": lines[1]["id"], "quantity": "2"},
    ]

    status, body = pack(wh_api, pl.pk, [{"kind": "sack", "weight_kg": "2", "contents": contents}])

    assert (status, body["code"], body["field"]) == (422, "invalid", "packages[0].kind")


def test_one_carton_needs_item_weights(clerk_api, wh_api, desk):
    item = desk.items[2]
    item.weight_kg = D(0)
    item.save()
    order = place(clerk_api, desk, (item.sku, "2"))
    release(wh_api, desk)
    pl = pick_list_for(order["id"])
    pick_all(wh_api, pl.pk)

    status, body = pack(wh_api, pl.pk, None)

    assert (status, body["code"]) == (422, "weight_required")
    assert body["message"] == (
        f"{item.sku} has no weight on file: the carton cannot be weighed from the items"
    )
    assert nothing_packed(pl)


def test_a_line_picked_from_two_lots_names_the_lot_per_package(clerk_api, wh_api, desk):
    import datetime as dt

    glue = lot_item(desk, [("L1", 2, dt.date(2026, 6, 1)), ("L2", 5, dt.date(2027, 1, 1))])
    order = place(clerk_api, desk, (glue.sku, "3"))
    release(wh_api, desk)
    pl = pick_list_for(order["id"])
    rows = lines_of(wh_api, pl.pk)
    status, _ = post(
        wh_api,
        f"/pick-lists/{pl.pk}/picks",
        {
            "picks": [
                {"pick_line": rows[0]["id"], "quantity": "1", "scanned": "L1"},
                {"pick_line": rows[0]["id"], "quantity": "1", "scanned": "L2"},
                {"pick_line": rows[1]["id"], "quantity": "1", "scanned": "L2"},
            ]
        },
    )
    assert status == 200

    status, body = pack(
        wh_api,
        pl.pk,
        [{"weight_kg": "1", "contents": [{"pick_line": rows[0]["id"], "quantity": "2"}]}],
    )
    assert (status, body["code"]) == (422, "pack_mismatch")
    assert "was picked from L1, L2: say which lot is in this package" in body["message"]

    status, body = pack(
        wh_api,
        pl.pk,
        [
            {
                "weight_kg": "1",
                "contents": [
                    {"pick_line": rows[0]["id"], "quantity": "1", "lot": "L1"},
                    {"pick_line": rows[0]["id"], "quantity": "1", "lot": "L2"},
                    {"pick_line": rows[1]["id"], "quantity": "1"},
                ],
            }
        ],
    )
    assert status == 200, body
    assert sorted(PackageLine.objects.values_list("lot", "quantity")) == [
        ("L1", D(1)),
        ("L2", D(1)),
        ("L2", D(1)),
    ]


def test_packing_again_before_shipping_replaces_the_packages(wh_api, picked):
    pl, lines = picked
    pack(wh_api, pl.pk, None)

    status, body = pack(
        wh_api,
        pl.pk,
        [
            {"weight_kg": "9", "kind": "pallet", "contents": [
                {"pick_line": lines[0]["id"], "quantity": "3"},
                {"pick_line": lines[1]["id"], "quantity": "2"},
            ]},
        ],
    )  # fmt: skip

    assert status == 200, body
    assert list(Package.objects.values_list("kind", "weight_kg")) == [("pallet", D(9))]


def test_an_open_pick_list_cannot_be_packed(clerk_api, wh_api, desk):
    order = place(clerk_api, desk, (desk.items[0].sku, "3"))
    release(wh_api, desk)
    pl = pick_list_for(order["id"])

    status, body = pack(wh_api, pl.pk, None)

    assert (status, body["code"], body["fix"]) == (
        409,
        "pick_list_wrong_status",
        "confirm the picks first",
    )
