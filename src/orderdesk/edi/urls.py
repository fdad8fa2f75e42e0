"""EDI and intake pages, mounted at /edi/ by orderdesk.urls."""

from django.urls import path

from . import views, views_actions, views_intake, views_partners

app_name = "edi"

urlpatterns = [
    path("", views.monitor_page, name="monitor"),
    path("upload/", views.upload_action, name="upload"),
    path("interchanges/", views.interchange_list_page, name="interchanges"),
    path("interchanges/<int:pk>/raw/", views.interchange_raw, name="interchange_raw"),
    path("documents/<int:pk>/", views.document_page, name="document"),
    path("documents/<int:pk>/raw/", views.document_raw, name="document_raw"),
    path(
        "documents/<int:pk>/reprocess/",
        views_actions.document_reprocess_action,
        name="document_reprocess",
    ),
    path("documents/<int:pk>/retry/", views_actions.document_retry_action, name="document_retry"),
    path(
        "documents/<int:pk>/resolve/",
        views_actions.document_resolve_action,
        name="document_resolve",
    ),
    path("partners/", views_partners.partner_list_page, name="partners"),
    path("partners/new/", views_partners.partner_new_page, name="partner_new"),
    path("partners/<int:pk>/", views_partners.partner_edit_page, name="partner"),
    path(
        "partners/<int:pk>/items/", views_partners.partner_item_set_action, name="partner_item_set"
    ),
    path(
        "partners/<int:pk>/items/<int:item_id>/remove/",
        views_partners.partner_item_remove_action,
        name="partner_item_remove",
    ),
    path(
        "partners/<int:pk>/inventory-advice/",
        views_partners.partner_846_action,
        name="partner_846",
    ),
    path("intake/", views_intake.intake_list_page, name="intake"),
    path("intake/<int:pk>/", views_intake.intake_item_page, name="intake_item"),
    path("intake/<int:pk>/original/", views_intake.intake_original, name="intake_original"),
    path("intake/<int:pk>/resolve/", views_intake.intake_resolve_action, name="intake_resolve"),
    path("intake/<int:pk>/dismiss/", views_intake.intake_dismiss_action, name="intake_dismiss"),
    path("intake/<int:pk>/retry/", views_intake.intake_retry_action, name="intake_retry"),
]
