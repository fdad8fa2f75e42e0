"""Fulfilment pages, mounted at /warehouse/ by orderdesk.urls."""

from django.urls import path

from . import views, views_pack, views_pick, views_ship, views_shipment

app_name = "fulfilment"

urlpatterns = [
    path("", views.board_page, name="board"),
    path("release/<int:warehouse_id>/", views.release_action, name="release"),
    path("waves/<int:pk>/", views.wave_detail_page, name="wave_detail"),
    path("pick/<int:pk>/", views_pick.pick_page, name="pick"),
    path("pick/<int:pk>/scan/", views_pick.scan_check, name="scan_check"),
    path("pack/<int:pk>/", views_pack.pack_page, name="pack"),
    path("ship/<int:pk>/", views_ship.ship_page, name="ship"),
    path("ship/<int:pk>/compliance/", views_ship.compliance_panel, name="compliance"),
    path("shipments/", views_shipment.shipment_list_page, name="shipment_list"),
    path("shipments/<int:pk>/", views_shipment.shipment_detail_page, name="shipment_detail"),
    path(
        "shipments/<int:pk>/documents/<slug:kind>/",
        views_shipment.document_page,
        name="document",
    ),
    path(
        "shipments/<int:pk>/documents/<slug:kind>/pdf/",
        views_shipment.document_pdf_page,
        name="document_pdf",
    ),
]
