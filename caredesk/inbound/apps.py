from django.apps import AppConfig


class InboundConfig(AppConfig):
    name = "caredesk.inbound"
    label = "inbound"
