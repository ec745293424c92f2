from django.apps import AppConfig


class InboundConfig(AppConfig):
    name = "caredesk.inbound"
    label = "inbound"

    def ready(self) -> None:
        # An acknowledgement held for the rest of its conversation also waits while emails
        # received before it are still to be processed: under a backlog, the hold alone
        # could end before the email joining the parts is read.
        from caredesk.inbound.selectors import acknowledgement_waits_for_intake
        from caredesk.outbound.services import outbound_hold_while

        outbound_hold_while(acknowledgement_waits_for_intake)
