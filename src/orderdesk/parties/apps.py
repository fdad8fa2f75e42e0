from django.apps import AppConfig


class PartiesConfig(AppConfig):
    name = "orderdesk.parties"
    label = "parties"
