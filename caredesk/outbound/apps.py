from django.apps import AppConfig


class OutboundConfig(AppConfig):
    name = "caredesk.outbound"
    label = "outbound"
