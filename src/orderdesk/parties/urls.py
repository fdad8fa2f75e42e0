"""Customer pages, mounted at /customers/ by orderdesk.web.urls."""

from django.urls import path

from . import views

app_name = "parties"

urlpatterns = [
    path("", views.customer_list_page, name="customer_list"),
    path("<int:pk>/", views.customer_detail_page, name="customer_detail"),
]
