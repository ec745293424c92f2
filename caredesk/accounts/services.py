from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction

from caredesk.accounts.models import Agent, ApiToken, Role, Team
from caredesk.core import clock
from caredesk.core.errors import InvalidRequest

TOKEN_PREFIX = "cd_"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def agent_create(
    *,
    email: str,
    name: str,
    role: str = Role.AGENT,
    team: str | None = None,
    password: str | None = None,
) -> Agent:
    if role not in Role.values:
        raise InvalidRequest(f"role must be one of {', '.join(Role.values)}, not {role!r}")
    email = email.strip().lower()
    if Agent.objects.filter(email=email).exists():
        raise InvalidRequest(f"an agent with the address {email} already exists")
    agent = Agent(email=email, name=name)
    _role_apply(agent, role)
    agent.set_password(password)
    agent.save()
    if team:
        agent.teams.add(Team.objects.get_or_create(name=team)[0])
    return agent


def _role_apply(agent: Agent, role: str) -> None:
    """Set the role, and the Django flags that go with it: an admin is staff and superuser
    (the admin site's model permissions), nobody else is either. Who may use the admin at
    all is the access policy's answer, from the role (caredesk/config/admin_site.py); the
    flags follow so that nothing reading them disagrees."""
    if role not in Role.values:
        raise InvalidRequest(f"role must be one of {', '.join(Role.values)}, not {role!r}")
    agent.role = role
    agent.is_staff = agent.is_superuser = role == Role.ADMIN


def agent_role_set(*, agent: Agent, role: str) -> Agent:
    """Give `agent` a role (the admin's agent form saves through this too)."""
    if agent.pk and agent.role == Role.ADMIN and role != Role.ADMIN:
        _keep_an_admin(agent, change=f"make {agent.email} {role}")
    _role_apply(agent, role)
    if agent.pk:
        agent.save(update_fields=["role", "is_staff", "is_superuser"])
    return agent


def agent_change_check(*, agent: Agent, role: str, active: bool) -> None:
    """InvalidRequest when giving `agent` this role and state would leave no active admin
    (the admin's agent form asks this before saving)."""
    if agent.pk is None or (role == Role.ADMIN and active):
        return
    stored = Agent.objects.filter(pk=agent.pk).values_list("role", "is_active").first()
    if stored is None or stored != (Role.ADMIN, True):
        return
    change = f"make {agent.email} {role}" if role != Role.ADMIN else f"deactivate {agent.email}"
    _keep_an_admin(agent, change=change, active=True)


def _keep_an_admin(agent: Agent, *, change: str, active: bool | None = None) -> None:
    others = Agent.objects.filter(role=Role.ADMIN, is_active=True).exclude(pk=agent.pk)
    if (agent.is_active if active is None else active) and not others.exists():
        raise InvalidRequest(
            f"cannot {change}: {agent.email} is the only active admin, and without one nobody "
            "can manage caredesk; make someone else admin first"
        )


@transaction.atomic
def agent_update(
    *,
    agent: Agent,
    name: str | None = None,
    role: str | None = None,
    active: bool | None = None,
    add_teams: tuple[str, ...] = (),
    remove_teams: tuple[str, ...] = (),
) -> list[str]:
    """Change what is given and leave the rest; what changed, one phrase each (empty when
    nothing did). Teams to add are created when they do not exist yet; removing the agent
    from a team they are not in is refused, as a likely typo."""
    from caredesk.accounts.selectors import team_get

    changes: list[str] = []
    if name is not None and name.strip() != agent.name:
        if not name.strip():
            raise InvalidRequest("the name cannot be empty")
        agent.name = name.strip()[:200]
        agent.save(update_fields=["name"])
        changes.append(f"name {agent.name!r}")
    if role is not None and role != agent.role:
        agent_role_set(agent=agent, role=role)
        changes.append(f"role {role}")
    if active is not None and active != agent.is_active:
        if not active and agent.role == Role.ADMIN:
            _keep_an_admin(agent, change=f"deactivate {agent.email}")
        agent.is_active = active
        agent.save(update_fields=["is_active"])
        changes.append("active" if active else "deactivated (cannot sign in or use API tokens)")
    current = {team.name.lower(): team for team in agent.teams.all()}
    for team_name in remove_teams:
        team = current.get(team_name.strip().lower())
        if team is None:
            raise InvalidRequest(f"{agent.email} is not in a team {team_name!r}")
        agent.teams.remove(team)
        changes.append(f"left team {team.name}")
    for team_name in add_teams:
        if not team_name.strip():
            raise InvalidRequest("a team needs a name")
        if team_name.strip().lower() in current:
            continue
        try:
            team = team_get(name=team_name)
            created = ""
        except InvalidRequest:
            team = Team.objects.create(name=team_name.strip()[:100])
            created = " (a new team)"
        agent.teams.add(team)
        changes.append(f"joined team {team.name}{created}")
    return changes


def api_token_create(*, agent: Agent) -> str:
    """Create a token for `agent` and return it; it cannot be read back later."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(agent=agent, digest=_digest(token), prefix=token[:10])
    return token


def api_token_revoke(*, token_or_prefix: str) -> ApiToken:
    """Revoke one token, given whole or by the prefix `caredesk token list` shows; the token
    as it was. Refused when a prefix matches none or several."""
    given = token_or_prefix.strip()
    if not given.startswith(TOKEN_PREFIX):
        raise InvalidRequest(f"API tokens start with {TOKEN_PREFIX}, {given!r} does not")
    if len(given) < 10:
        raise InvalidRequest(
            f"{given!r} is too short: give the whole token, or its prefix as `caredesk token "
            "list` shows it (10 characters)"
        )
    tokens = ApiToken.objects.select_related("agent")
    # Longer than a prefix: the whole token, which its digest finds (or nothing does).
    found = tokens.filter(digest=_digest(given)) if len(given) > 10 else tokens.filter(prefix=given)
    matches = list(found)
    if not matches:
        raise InvalidRequest(f"there is no API token {given}; `caredesk token list` shows them")
    if len(matches) > 1:
        raise InvalidRequest(
            f"{len(matches)} tokens start with {given}; give the whole token to revoke one"
        )
    matches[0].delete()
    return matches[0]


def agent_for_token(token: str) -> Agent | None:
    found = (
        ApiToken.objects.select_related("agent")
        .filter(digest=_digest(token), agent__is_active=True)
        .first()
    )
    if found is None:
        return None
    now = clock.now()
    # Recorded at most once a minute, so busy API clients do not write on every request.
    if found.last_used_at is None or now - found.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return found.agent


def agent_profile_update(
    *,
    agent: Agent,
    name: str,
    signature: str,
    language: str,
    time_zone: str,
    availability: str,
) -> Agent:
    """What an agent sets about themselves; refuses what would not work, saying why."""
    from zoneinfo import available_timezones

    name = name.strip()
    if not name:
        raise InvalidRequest("your name cannot be empty")
    if time_zone not in available_timezones():
        raise InvalidRequest(
            f"{time_zone!r} is not a time zone; choose one from the list, such as Europe/Berlin"
        )
    language = language.strip() or "en"
    if language not in dict(settings.LANGUAGES):
        raise InvalidRequest(
            f"{language!r} is not a language caredesk knows; choose one from the list, such as "
            "en (English) or de (German)"
        )
    if availability not in ("online", "away"):
        raise InvalidRequest("availability is online or away")
    agent.name = name[:200]
    agent.signature = signature.replace("\x00", "").strip()
    agent.language = language
    agent.time_zone = time_zone
    agent.availability = availability
    agent.save(update_fields=["name", "signature", "language", "time_zone", "availability"])
    return agent
