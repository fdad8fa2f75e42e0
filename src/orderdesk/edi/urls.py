"""EDI and intake pages, mounted at /edi/ by orderdesk.urls."""

from django.urls import path

app_name = "edi"

urlpatterns: list = []
