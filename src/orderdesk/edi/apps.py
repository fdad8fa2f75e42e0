from django.apps import AppConfig


class EdiConfig(AppConfig):
    name = "orderdesk.edi"
    label = "edi"
    verbose_name = "EDI and intake"
