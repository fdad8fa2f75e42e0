from django.apps import AppConfig


class PricingConfig(AppConfig):
    name = "orderdesk.pricing"
    label = "pricing"
