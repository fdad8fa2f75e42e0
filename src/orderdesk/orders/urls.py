"""Order desk pages, mounted at /orders/ by orderdesk.urls."""

from django.urls import path

from . import views

app_name = "orders"

urlpatterns = [
    path("", views.desk_page, name="desk"),
    path("new/", views.order_new_page, name="new"),
    path("new/customers/", views.customer_suggest, name="customer_suggest"),
    path("new/customer/", views.customer_pick, name="customer_pick"),
    path("new/sku/", views.sku_lookup, name="sku_lookup"),
    path("upload/", views.upload_page, name="upload"),
    path("upload/<int:file_id>/import/", views.upload_import, name="upload_import"),
    path("upload/<int:file_id>/errors/", views.upload_errors, name="upload_errors"),
    path("<int:pk>/", views.order_detail_page, name="detail"),
    path("<int:pk>/exception/", views.exception_page, name="exception"),
    path("<int:pk>/revalidate/", views.order_revalidate_action, name="revalidate"),
    path("<int:pk>/release/", views.order_release_action, name="release"),
    path("<int:pk>/cancel/", views.order_cancel_action, name="cancel"),
    path(
        "<int:pk>/findings/<int:finding_id>/fix/",
        views.finding_fix_action,
        name="finding_fix",
    ),
    path(
        "<int:pk>/findings/<int:finding_id>/override/",
        views.finding_override_action,
        name="finding_override",
    ),
    path(
        "<int:pk>/acknowledgements/<int:revision>/pdf/",
        views.ack_pdf,
        name="ack_pdf",
    ),
]
