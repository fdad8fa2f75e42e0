from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "orderdesk.inventory"
    label = "inventory"
