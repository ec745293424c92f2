from __future__ import annotations

from django.db import models

from caredesk.core.models import TimestampedModel
from caredesk.mailboxes.senders import DEFAULT_SENDER_FORMAT, sender_format_validate


class Mailbox(TimestampedModel):
    """A support address customers write to, such as support@example.com.

    Replies go out from this address; the per-ticket reply address is `local+token@domain`.
    """

    address = models.CharField(max_length=254, unique=True)
    name = models.CharField(max_length=200, blank=True, help_text="Sender name on outgoing mail")
    acknowledge = models.BooleanField(default=True, help_text="Acknowledge new tickets by email")
    language = models.CharField(
        max_length=10,
        default="en",
        help_text="Language tag (en, de, fr, ...) written to customers whose language is unknown",
    )
    sender_format = models.CharField(
        max_length=100,
        default=DEFAULT_SENDER_FORMAT,
        validators=[sender_format_validate],
        help_text=(
            "Sender name on agents' replies: {agent} at {mailbox} (Ann at Example Support), "
            "{mailbox} (the mailbox only) or {agent} (the agent only). Acknowledgements always "
            "carry the mailbox's name."
        ),
    )
    quote_previous = models.BooleanField(
        default=True, help_text="Quote the customer's latest message below each reply"
    )
    calendar = models.ForeignKey(
        "sla.Calendar",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="Business hours of the team answering here (empty: the default calendar)",
    )

    class Meta:
        verbose_name_plural = "mailboxes"

    def __str__(self) -> str:
        return self.address

    @property
    def local_part(self) -> str:
        return self.address.partition("@")[0]

    @property
    def domain(self) -> str:
        return self.address.partition("@")[2]

    def tagged_address(self, tag: str) -> str:
        """`support+tag@example.com`: a reply or bounce address that still reaches this mailbox."""
        return f"{self.local_part}+{tag}@{self.domain}"


class ImapSecurity(models.TextChoices):
    TLS = "tls", "TLS (imaps, usually port 993)"
    STARTTLS = "starttls", "STARTTLS (usually port 143)"
    PLAIN = "plain", "Plain (loopback only)"


class ImapAuth(models.TextChoices):
    PASSWORD = "password", "Password"
    XOAUTH2 = "xoauth2", "OAuth2 access token (SASL XOAUTH2)"


class AfterFetch(models.TextChoices):
    SEEN = "seen", r"Flag \Seen"
    MOVE = "move", "Move to a folder"
    KEEP = "keep", "Leave untouched"


class ImapAccount(TimestampedModel):
    """An existing mailbox caredesk fetches over IMAP (Google Workspace, Microsoft 365, ...).

    `uidvalidity` and `last_uid` say what has been stored: they are saved in the transaction
    that stores the emails, so a restart never fetches a stored email again. The lease makes
    sure one worker at a time fetches, whatever the number of workers.
    """

    mailbox = models.OneToOneField(Mailbox, on_delete=models.CASCADE, related_name="imap")
    enabled = models.BooleanField(default=True)
    host = models.CharField(max_length=253)
    port = models.PositiveIntegerField(default=993)
    security = models.CharField(max_length=10, choices=ImapSecurity.choices, default="tls")
    username = models.CharField(max_length=254)
    auth = models.CharField(max_length=10, choices=ImapAuth.choices, default="password")
    # The password, or for XOAUTH2 what the token provider needs (by default the access token).
    secret = models.CharField(max_length=4000, blank=True)
    token_provider = models.CharField(
        max_length=200,
        blank=True,
        help_text="Dotted path of a callable(account) -> access token, for XOAUTH2",
    )
    folder = models.CharField(max_length=200, default="INBOX")
    after_fetch = models.CharField(max_length=10, choices=AfterFetch.choices, default="seen")
    move_to = models.CharField(max_length=200, blank=True, help_text="Folder for 'move'")
    import_history = models.BooleanField(
        default=False, help_text="First sync: import the mail already there (else start from now)"
    )

    uidvalidity = models.BigIntegerField(null=True, blank=True)
    last_uid = models.BigIntegerField(default=0)
    # Emails at or below this UID were in the folder before caredesk started on it (with
    # "start from now"): they are never stored, flagged or moved.
    first_uid = models.BigIntegerField(default=0)

    lease_owner = models.CharField(max_length=100, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)

    fetched_count = models.PositiveBigIntegerField(default=0)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=1000, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    failing_since = models.DateTimeField(null=True, blank=True)
    alerted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "IMAP account"

    def __str__(self) -> str:
        return f"{self.username}@{self.host}/{self.folder} -> {self.mailbox}"

    @property
    def secret_hint(self) -> str:
        """The secret as it may be shown: its length and last two characters at most."""
        if not self.secret:
            return "(none)"
        tail = self.secret[-2:] if len(self.secret) >= 12 else ""
        return f"{'•' * 8}{tail} ({len(self.secret)} characters)"
