"""Item pages, mounted at /items/ by orderdesk.web.urls."""

from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("", views.item_list_page, name="item_list"),
    path("<int:pk>/", views.item_detail_page, name="item_detail"),
]
