from django.apps import AppConfig


class GlossaryConfig(AppConfig):
    name = "caredesk.glossary"
    label = "glossary"
    verbose_name = "glossary"
