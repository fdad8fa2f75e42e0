"""Returns pages, mounted at /returns/ by orderdesk.urls."""

from django.urls import path

from . import views, views_actions, views_recall

app_name = "returns"

urlpatterns = [
    path("", views.rma_list_page, name="rma_list"),
    path("new/", views.rma_new_page, name="rma_new"),
    path("<int:pk>/", views.rma_detail_page, name="rma_detail"),
    path("<int:pk>/approve/", views_actions.rma_approve_action, name="rma_approve"),
    path("<int:pk>/reject/", views_actions.rma_reject_action, name="rma_reject"),
    path("<int:pk>/cancel/", views_actions.rma_cancel_action, name="rma_cancel"),
    path("<int:pk>/close/", views_actions.rma_close_action, name="rma_close"),
    path("<int:pk>/receive/", views_actions.rma_receive_action, name="rma_receive"),
    path("<int:pk>/credit/", views_actions.rma_credit_action, name="rma_credit"),
    path("<int:pk>/exchange/", views_actions.rma_exchange_action, name="rma_exchange"),
    path("recall/", views_recall.recall_page, name="recall"),
    path("recall/export.<str:format>", views_recall.recall_export_view, name="recall_export"),
    path("lots/<int:lot_id>/hold/", views_recall.lot_hold_action, name="lot_hold"),
]
