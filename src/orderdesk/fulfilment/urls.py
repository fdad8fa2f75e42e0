"""Fulfilment pages, mounted at /warehouse/ by orderdesk.urls."""

from django.urls import path  # noqa: F401

app_name = "fulfilment"

urlpatterns: list = []
