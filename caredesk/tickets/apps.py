from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "caredesk.tickets"
    label = "tickets"

    def ready(self) -> None:
        # Outgoing mail sits below tickets and knows nothing of their history: it tells
        # whoever listens when it gives up on an email, and tickets record it.
        from caredesk.outbound.services import outbound_on_failure
        from caredesk.tickets.outgoing import ticket_delivery_failed_record

        outbound_on_failure(ticket_delivery_failed_record)
