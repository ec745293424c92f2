"""`caredesk agent`, `token` and `mailbox` commands, through cli.main, on the test database."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from caredesk.accounts.models import Agent, ApiToken, Role
from caredesk.accounts.services import agent_create, agent_for_token, api_token_create
from caredesk.cli import main
from caredesk.mailboxes.models import Mailbox

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _point_at_test_database(monkeypatch: pytest.MonkeyPatch) -> None:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        monkeypatch.setenv("CAREDESK_DATABASE_URL", f"sqlite:///{db['NAME']}")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_agent_list_set_and_staff_flags_follow_the_role(
    capsys: pytest.CaptureFixture[str],
) -> None:
    agent_create(email="boss@example.com", name="Boss", role="admin", password="x" * 12)
    code, out, _ = run(capsys, "agent", "add", "ann@example.com", "--name", "Ann")
    assert code == 0 and "cannot sign in until `caredesk agent password ann@example.com`" in out

    code, out, _ = run(capsys, "agent", "set", "ann@example.com", "--role", "admin",
                       "--add-team", "Billing", "--name", "Ann Agent")  # fmt: skip
    assert code == 0
    assert out.strip() == (
        "agent ann@example.com: name 'Ann Agent'; role admin; joined team Billing (a new team)"
    )
    ann = Agent.objects.get(email="ann@example.com")
    assert (ann.role, ann.is_staff, ann.is_superuser) == (Role.ADMIN, True, True)

    code, out, _ = run(capsys, "agent", "set", "ann@example.com", "--role", "supervisor")
    ann.refresh_from_db()
    assert (ann.role, ann.is_staff, ann.is_superuser) == (Role.SUPERVISOR, False, False)

    code, out, _ = run(capsys, "agent", "set", "ann@example.com", "--inactive",
                       "--remove-team", "billing")  # fmt: skip
    assert code == 0 and "deactivated" in out and "left team Billing" in out

    code, out, _ = run(capsys, "agent", "list")
    lines = out.splitlines()
    assert lines[0].split() == ["EMAIL", "NAME", "ROLE", "TEAMS", "STATE", "LAST", "SIGN-IN"]
    assert lines[1].split()[:5] == ["ann@example.com", "Ann", "Agent", "supervisor", "-"]
    assert "inactive" in lines[1]
    assert "boss@example.com" in lines[2] and "active" in lines[2]

    code, out, _ = run(capsys, "agent", "set", "ann@example.com")
    assert out.strip() == "agent ann@example.com: nothing to change"


def test_the_last_admin_cannot_be_demoted_or_deactivated(
    capsys: pytest.CaptureFixture[str],
) -> None:
    agent_create(email="boss@example.com", name="Boss", role="admin")
    for change in (["--role", "agent"], ["--inactive"]):
        code, _, err = run(capsys, "agent", "set", "boss@example.com", *change)
        assert code == 64
        assert "is the only active admin" in err
    boss = Agent.objects.get()
    assert boss.role == Role.ADMIN and boss.is_active and boss.is_staff


def test_agent_password_from_a_variable_or_a_file(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    agent_create(email="ann@example.com", name="Ann")
    monkeypatch.setenv("ANN_PASSWORD", "short")
    code, _, err = run(
        capsys, "agent", "password", "ann@example.com", "--password-env", "ANN_PASSWORD"
    )
    assert code == 64 and "too short" in err
    monkeypatch.setenv("ANN_PASSWORD", "a lovely long passphrase")
    code, out, _ = run(
        capsys, "agent", "password", "ANN@example.com ", "--password-env", "ANN_PASSWORD"
    )
    assert code == 0 and out.startswith("new password set for ann@example.com")
    assert Agent.objects.get().check_password("a lovely long passphrase")

    code, _, err = run(
        capsys, "agent", "password", "nobody@example.com", "--password-env", "ANN_PASSWORD"
    )
    assert code == 64 and "there is no agent nobody@example.com" in err
    # No terminal to ask on (the test's stdin): said, not a hang or a traceback.
    code, _, err = run(capsys, "agent", "password", "ann@example.com")
    assert code == 64 and "--password-file or --password-env" in err


def test_token_list_and_revoke(capsys: pytest.CaptureFixture[str]) -> None:
    ann = agent_create(email="ann@example.com", name="Ann")
    code, out, err = run(capsys, "token", "create", "--agent", "ann@example.com")
    assert code == 0 and agent_for_token(out.strip()) == ann  # the token alone on stdout
    assert "API token for ann@example.com created" in err
    ApiToken.objects.all().delete()
    token = api_token_create(agent=ann)
    other = api_token_create(agent=ann)
    code, out, _ = run(capsys, "token", "list")
    assert code == 0 and token[:10] in out and "ann@example.com" in out and "never" in out

    code, out, _ = run(capsys, "token", "revoke", token[:10])
    assert code == 0 and f"API token {token[:10]}… of ann@example.com revoked" in out
    assert agent_for_token(token) is None
    assert agent_for_token(other) == ann
    code, _, err = run(capsys, "token", "revoke", token)
    assert code == 64 and "there is no API token" in err
    code, _, err = run(capsys, "token", "revoke", "cd_")
    assert code == 64 and "too short" in err
    assert agent_for_token(other) == ann
    code, out, _ = run(capsys, "token", "revoke", other)
    assert code == 0 and not ApiToken.objects.exists()


def test_mailbox_set(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "mailbox", "add", "support@example.com")
    code, out, _ = run(capsys, "mailbox", "set", "support@example.com", "--name", "Example Support",
                       "--no-acknowledge")  # fmt: skip
    assert code == 0
    assert out.strip() == (
        "mailbox support@example.com: sender name 'Example Support'; sends no acknowledgements"
    )
    mailbox = Mailbox.objects.get()
    assert mailbox.name == "Example Support" and not mailbox.acknowledge
    code, _, err = run(capsys, "mailbox", "set", "nope@example.com", "--name", "X")
    assert code == 64 and "there is no mailbox nope@example.com" in err
    code, out, _ = run(capsys, "mailbox", "set", "support@example.com",
                       "--sender-format", "{mailbox}", "--no-quote")  # fmt: skip
    assert code == 0
    assert out.strip() == "mailbox support@example.com: replies from '{mailbox}'; quotes nothing"
    code, _, err = run(capsys, "mailbox", "set", "support@example.com", "--sender-format", "{x}")
    assert code != 0 and "may name {agent} and {mailbox} only, not {x}" in err
    mailbox.refresh_from_db()
    assert (mailbox.sender_format, mailbox.quote_previous) == ("{mailbox}", False)


def test_changing_the_role_in_the_admin_keeps_staff_in_line(client: Client) -> None:
    boss = agent_create(email="boss@example.com", name="Boss", role="admin", password="x" * 12)
    ann = agent_create(email="ann@example.com", name="Ann", role="agent")
    client.force_login(boss)
    page = client.get(f"/admin/accounts/agent/{ann.pk}/change/")
    assert page.status_code == 200
    form = {
        "email": ann.email, "name": ann.name, "role": "admin", "is_active": "on",
        "language": "en", "time_zone": "UTC", "availability": "online",
        "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00",
    }  # fmt: skip
    answer = client.post(f"/admin/accounts/agent/{ann.pk}/change/", form)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    ann.refresh_from_db()
    assert (ann.role, ann.is_staff, ann.is_superuser) == (Role.ADMIN, True, True)


def test_the_admin_form_refuses_to_demote_the_last_admin(client: Client) -> None:
    boss = agent_create(email="boss@example.com", name="Boss", role="admin", password="x" * 12)
    client.force_login(boss)
    form = {
        "email": boss.email, "name": boss.name, "role": "agent", "is_active": "on",
        "language": "en", "time_zone": "UTC", "availability": "online",
        "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00",
    }  # fmt: skip
    answer = client.post(f"/admin/accounts/agent/{boss.pk}/change/", form)
    assert answer.status_code == 200  # the form again, with the reason
    assert "is the only active admin" in answer.content.decode()
    boss.refresh_from_db()
    assert boss.role == Role.ADMIN and boss.is_staff
