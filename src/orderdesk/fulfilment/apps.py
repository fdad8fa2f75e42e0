from django.apps import AppConfig


class FulfilmentConfig(AppConfig):
    name = "orderdesk.fulfilment"
    label = "fulfilment"
