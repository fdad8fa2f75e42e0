"""Order desk pages, mounted at /orders/ by orderdesk.urls."""

from django.urls import path

from . import (
    views_desk,
    views_entry,
    views_exception,
    views_order,
    views_order_actions,
    views_upload,
)

app_name = "orders"

urlpatterns = [
    path("", views_desk.desk_page, name="desk"),
    path("new/", views_entry.order_new_page, name="new"),
    path("new/customers/", views_entry.customer_suggest, name="customer_suggest"),
    path("new/customer/", views_entry.customer_pick, name="customer_pick"),
    path("new/sku/", views_entry.sku_lookup, name="sku_lookup"),
    path("upload/", views_upload.upload_page, name="upload"),
    path("upload/<int:file_id>/import/", views_upload.upload_import, name="upload_import"),
    path("upload/<int:file_id>/errors/", views_upload.upload_errors, name="upload_errors"),
    path("<int:pk>/", views_order.order_detail_page, name="detail"),
    path("<int:pk>/exception/", views_exception.exception_page, name="exception"),
    path("<int:pk>/revalidate/", views_exception.order_revalidate_action, name="revalidate"),
    path("<int:pk>/release/", views_exception.order_release_action, name="release"),
    path("<int:pk>/cancel/", views_exception.order_cancel_action, name="cancel"),
    path(
        "<int:pk>/findings/<int:finding_id>/fix/",
        views_exception.finding_fix_action,
        name="finding_fix",
    ),
    path(
        "<int:pk>/findings/<int:finding_id>/override/",
        views_exception.finding_override_action,
        name="finding_override",
    ),
    # the order page's actions
    path("<int:pk>/change/", views_order_actions.order_change_action, name="change"),
    path(
        "<int:pk>/changes/<int:change_id>/approve/",
        views_order_actions.change_approve_action,
        name="change_approve",
    ),
    path(
        "<int:pk>/changes/<int:change_id>/reject/",
        views_order_actions.change_reject_action,
        name="change_reject",
    ),
    path("<int:pk>/lines/action/", views_order_actions.line_action, name="line_action"),
    path("<int:pk>/cancel-order/", views_order_actions.order_cancel_action, name="detail_cancel"),
    path(
        "<int:pk>/acknowledgements/<int:revision>/",
        views_order.ack_preview,
        name="ack_preview",
    ),
    path(
        "<int:pk>/acknowledgements/<int:revision>/pdf/",
        views_order.ack_pdf,
        name="ack_pdf",
    ),
]
