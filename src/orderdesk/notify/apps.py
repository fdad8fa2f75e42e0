from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "orderdesk.notify"
    label = "notify"
