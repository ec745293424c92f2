from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.db import models

from caredesk.core.models import TimestampedModel


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    SUPERVISOR = "supervisor", "Supervisor"
    AGENT = "agent", "Agent"


class Team(TimestampedModel):
    name = models.CharField(max_length=100, unique=True)
    calendar = models.ForeignKey(
        "sla.Calendar",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="Business hours of this team (empty: the mailbox's or the default calendar)",
    )

    def __str__(self) -> str:
        return self.name


class AgentManager(BaseUserManager["Agent"]):
    def create_user(self, email: str, password: str | None = None, **extra: Any) -> Agent:
        agent = self.model(email=self.normalize_email(email).lower(), **extra)
        agent.set_password(password)
        agent.save(using=self._db)
        return agent

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> Agent:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", Role.ADMIN)
        return self.create_user(email, password, **extra)


class Agent(AbstractUser):
    """A person on the support team. Signs in with their email address."""

    # The email address is the username: AbstractUser's name fields are removed.
    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(unique=True)
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.AGENT)
    signature = models.TextField(blank=True)
    teams = models.ManyToManyField(Team, related_name="members", blank=True)
    language = models.CharField(max_length=10, default="en")
    time_zone = models.CharField(max_length=64, default="UTC")
    availability = models.CharField(
        max_length=10, choices=[("online", "Online"), ("away", "Away")], default="online"
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["name"]

    # Agents are made from an email address, not a username: not a UserManager.
    objects: ClassVar[AgentManager] = AgentManager()  # type: ignore[assignment]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class ApiToken(TimestampedModel):
    """A bearer token for the REST API. Only its SHA-256 is stored; the token is shown once."""

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.agent.email})"


class PasswordResetRequest(TimestampedModel):
    """Somebody asked for a password reset link for `address`, whether or not an agent has it.

    Kept so that the limits per address and per IP hold across every web process, and so
    admins can see who asked from where. `throttled` marks a request that sent nothing because
    the address had had its share of emails already.
    """

    address = models.CharField(max_length=254, db_index=True)
    ip = models.GenericIPAddressField(null=True, db_index=True)
    throttled = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"reset for {self.address} from {self.ip}"
