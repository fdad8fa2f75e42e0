from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "orderdesk.billing"
    label = "billing"
