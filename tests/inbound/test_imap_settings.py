"""Configuring IMAP accounts: checked settings, secrets never shown back, health in metrics."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from django.test import Client

from caredesk.core.errors import InvalidRequest
from caredesk.mailboxes.imap import imap_account_set
from caredesk.mailboxes.models import ImapAccount, Mailbox

SECRET = "app-password-7f3a9c"


def settings_for(mailbox: Mailbox, **changes: Any) -> ImapAccount:
    base: dict[str, Any] = {
        "host": "imap.example.com",
        "port": 993,
        "security": "tls",
        "username": "support@example.com",
        "secret": SECRET,
    }
    return imap_account_set(mailbox=mailbox, **{**base, **changes})


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"security": "plain"}, "to this machine only"),
        ({"port": 70000}, "not a port number"),
        ({"secret": ""}, "needs a password"),
        ({"auth": "xoauth2", "secret": ""}, "needs an access token or a token provider"),
        ({"after_fetch": "move"}, "needs a folder"),
        ({"after_fetch": "move", "move_to": "INBOX"}, "must not be the one fetched"),
        ({"host": ""}, "needs a host"),
    ],
)
def test_settings_that_cannot_work_are_refused(mailbox: Mailbox, changes: Any, says: str) -> None:
    with pytest.raises(InvalidRequest, match=says):
        settings_for(mailbox, **changes)
    assert not ImapAccount.objects.exists()


def test_plain_is_fine_on_loopback_and_xoauth2_with_a_provider(mailbox: Mailbox) -> None:
    account = settings_for(mailbox, host="127.0.0.1", security="plain", port=143)
    assert account.security == "plain"
    account = settings_for(
        mailbox, auth="xoauth2", secret="", token_provider="myproject.tokens.microsoft"
    )
    assert account.auth == "xoauth2"


def test_pointing_at_another_folder_starts_afresh(mailbox: Mailbox) -> None:
    account = settings_for(mailbox)
    ImapAccount.objects.filter(pk=account.pk).update(uidvalidity=7, last_uid=40, first_uid=2)
    same = settings_for(mailbox, after_fetch="keep")
    assert (same.uidvalidity, same.last_uid) == (7, 40)
    moved = settings_for(mailbox, folder="Support")
    assert (moved.uidvalidity, moved.last_uid, moved.first_uid) == (None, 0, 0)


def test_the_secret_is_never_shown_back(mailbox: Mailbox) -> None:
    account = settings_for(mailbox)
    assert SECRET not in account.secret_hint
    assert account.secret_hint.endswith("9c (19 characters)")


@pytest.mark.django_db(transaction=True)
def test_cli_sets_and_shows_an_account_without_its_secret(
    mailbox: Mailbox, cli_env: dict[str, str]
) -> None:
    env = {**cli_env, "SUPPORT_IMAP_PASSWORD": SECRET}
    caredesk = [sys.executable, "-m", "caredesk.cli", "imap"]
    saved = subprocess.run(
        [
            *caredesk,
            "set",
            "support@example.com",
            "--host",
            "imap.example.com",
            "--security",
            "tls",
            "--username",
            "support@example.com",
            "--password-env",
            "SUPPORT_IMAP_PASSWORD",
            "--after",
            "move",
            "--move-to",
            "Handled",
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    assert saved.returncode == 0, saved.stderr
    shown = subprocess.run([*caredesk, "show"], env=env, capture_output=True, text=True)
    for output in (saved.stdout, shown.stdout):
        assert SECRET not in output
        assert "imap.example.com:993 (tls)" in output
        assert "move to Handled" in output
    assert "not fetched yet" in shown.stdout
    refused = subprocess.run(
        [*caredesk, "set", "support@example.com", "--security", "plain"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 64 and "to this machine only" in refused.stderr
    unknown = subprocess.run(
        [*caredesk, "show", "nope@example.com"], env=env, capture_output=True, text=True
    )
    assert unknown.returncode == 64 and "there is no mailbox" in unknown.stderr


def test_admin_keeps_the_secret_write_only(admin_client: Client, mailbox: Mailbox) -> None:
    account = settings_for(mailbox)
    page = admin_client.get(f"/admin/mailboxes/imapaccount/{account.pk}/change/")
    assert page.status_code == 200
    assert SECRET not in page.content.decode()
    form = {
        "mailbox": mailbox.pk,
        "enabled": "on",
        "host": "imap.example.com",
        "port": 993,
        "security": "tls",
        "username": "support@example.com",
        "auth": "password",
        "token_provider": "",
        "folder": "INBOX",
        "after_fetch": "seen",
        "move_to": "",
        "new_secret": "",
    }
    saved = admin_client.post(f"/admin/mailboxes/imapaccount/{account.pk}/change/", form)
    assert saved.status_code == 302
    assert ImapAccount.objects.get().secret == SECRET  # empty keeps it
    refused = admin_client.post(
        f"/admin/mailboxes/imapaccount/{account.pk}/change/", {**form, "security": "plain"}
    )
    assert refused.status_code == 200 and "to this machine only" in refused.content.decode()


def test_metrics_show_each_mailboxs_fetching(client: Client, mailbox: Mailbox) -> None:
    account = settings_for(mailbox)
    ImapAccount.objects.filter(pk=account.pk).update(fetched_count=12)
    body = client.get("/metrics").content.decode()
    assert 'caredesk_imap_fetched_emails{mailbox="support@example.com"} 12.0' in body
    assert 'caredesk_imap_failing_seconds{mailbox="support@example.com"} 0.0' in body
