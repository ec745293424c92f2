from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "caredesk.tickets"
    label = "tickets"

    def ready(self) -> None:
        # Outgoing mail sits below tickets and knows nothing of their history: it tells
        # whoever listens when it gives up on an email or an agent retries one, and tickets
        # record it.
        from caredesk.outbound.services import outbound_on_failure, outbound_on_retry
        from caredesk.tickets.outgoing import (
            ticket_delivery_failed_record,
            ticket_delivery_retried_record,
        )

        outbound_on_failure(ticket_delivery_failed_record)
        outbound_on_retry(ticket_delivery_retried_record)
