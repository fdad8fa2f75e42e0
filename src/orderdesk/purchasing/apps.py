from django.apps import AppConfig


class PurchasingConfig(AppConfig):
    name = "orderdesk.purchasing"
    label = "purchasing"
