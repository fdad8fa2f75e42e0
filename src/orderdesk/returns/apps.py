from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "orderdesk.returns"
    label = "returns"
