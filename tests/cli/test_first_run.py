"""A new user's first steps, with the real `caredesk` command: where the data is, a port that
is taken, the first admin's password, and stopping with Ctrl-C."""

from __future__ import annotations

import mailbox as stdlib_mailbox
import os
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.helpers import CAREDESK, caredesk, clean_env
from tests.conftest import free_port, wait_until


def test_command_in_a_folder_without_data_says_where_it_looked(tmp_path: Path) -> None:
    done = caredesk("mailbox", "list", cwd=tmp_path)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1  # one sentence
    assert str(tmp_path / "var") in done.stderr
    assert "CAREDESK_HOME" in done.stderr
    assert not (tmp_path / "var").exists()  # nothing created, no empty database


@pytest.mark.parametrize("command", [["agent", "list"], ["token", "list"], ["worker"]])
def test_a_home_without_a_database_is_refused(tmp_path: Path, command: list[str]) -> None:
    home = tmp_path / "nowhere"
    done = caredesk(*command, cwd=tmp_path, env=clean_env(CAREDESK_HOME=str(home)))
    assert done.returncode == 1
    assert f"no caredesk data in {home} (CAREDESK_HOME)" in done.stderr
    assert "Traceback" not in done.stderr
    assert not home.exists()


def test_ingest_without_data_asks_the_mta_to_retry(tmp_path: Path) -> None:
    done = caredesk("ingest", "--mailbox", "support@example.com", cwd=tmp_path)
    assert done.returncode == 75
    assert "no caredesk data" in done.stderr


def test_a_database_never_migrated_says_run_migrate(tmp_path: Path) -> None:
    """SQLite: an empty file. PostgreSQL (when the suite runs on it): an empty database."""
    url = os.environ.get("CAREDESK_DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        server, _, _ = url.rpartition("/")
        name = f"caredesk_cli_empty_{os.getpid()}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        env = clean_env(CAREDESK_HOME=str(tmp_path), CAREDESK_DATABASE_URL=f"{server}/{name}")
        try:
            done = caredesk("mailbox", "list", cwd=tmp_path, env=env)
        finally:
            with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
    else:
        sqlite3.connect(tmp_path / "caredesk.sqlite3").close()
        done = caredesk("mailbox", "list", cwd=tmp_path, env=clean_env(CAREDESK_HOME=str(tmp_path)))
    assert done.returncode == 1
    assert "has no caredesk tables yet: run `caredesk migrate` first" in done.stderr
    assert "Traceback" not in done.stderr


def test_migrate_creates_the_data_and_other_commands_then_find_it(tmp_path: Path) -> None:
    done = caredesk("migrate", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert str(tmp_path / "var") in done.stdout
    listed = caredesk("mailbox", "list", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert "no mailboxes" in listed.stdout
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    found = caredesk(
        "mailbox", "list", cwd=elsewhere, env=clean_env(CAREDESK_HOME=str(tmp_path / "var"))
    )
    assert found.returncode == 0, found.stderr


def test_a_taken_port_is_named_before_anything_starts(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = caredesk(
            "run", "--http", f"127.0.0.1:{port}", "--smtp", f"127.0.0.1:{free_port()}",
            cwd=tmp_path, env=clean_env(CAREDESK_HOME=str(tmp_path / "home")),
        )  # fmt: skip
        smtp = caredesk("smtpd", "--smtp", f"127.0.0.1:{port}", cwd=tmp_path)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr + done.stdout
    assert "caredesk is running" not in done.stdout
    assert f"port {port} on 127.0.0.1 is already in use" in done.stderr
    assert f"--http 127.0.0.1:{port + 1}" in done.stderr
    assert done.stderr.count("\n") == 1
    assert not (tmp_path / "home").exists()  # checked before migrating
    assert smtp.returncode != 0 and f"--smtp 127.0.0.1:{port + 1}" in smtp.stderr


class Running:
    def __init__(self, process: subprocess.Popen[str], http: int, home: Path) -> None:
        self.process, self.http, self.home = process, http, home
        self.output = ""

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.http}{path}"


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Running]:
    http, smtp = free_port(), free_port()
    home = tmp_path / "home"
    process = subprocess.Popen(
        [*CAREDESK, "run", "--http", f"127.0.0.1:{http}", "--smtp", f"127.0.0.1:{smtp}"],
        cwd=tmp_path,
        env=clean_env(CAREDESK_HOME=str(home)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    run = Running(process, http, home)

    def healthy() -> bool:
        try:
            with urllib.request.urlopen(run.url("/healthz"), timeout=2) as answer:
                return bool(answer.status == 200)
        except OSError:
            return process.poll() is not None

    try:
        assert wait_until(healthy, timeout=90), "caredesk run did not become healthy"
        assert process.poll() is None
        yield run
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_run_prints_its_data_and_how_to_reset_the_password_then_stops_quickly(
    running: Running,
) -> None:
    # Let the worker settle into its idle loop, as a person reading the banner would.
    time.sleep(2)
    started = time.monotonic()
    running.process.send_signal(signal.SIGINT)
    output, _ = running.process.communicate(timeout=30)
    took = time.monotonic() - started
    assert running.process.returncode == 0, output
    assert took < 3.5, f"took {took:.1f} s to stop:\n{output}"
    assert f"Data:        {running.home}" in output
    assert f"CAREDESK_HOME={running.home}" in output
    assert "caredesk agent password admin@caredesk.localhost" in output
    assert "--http HOST:PORT --smtp HOST:PORT" in output
    assert "caredesk: stopping the SMTP intake, the web server, the worker" in output
    for part in ("SMTP intake", "web server", "worker"):
        assert f"caredesk: {part} stopped" in output
    assert output.rstrip().endswith("caredesk stopped.")
    assert "Traceback" not in output


def test_forgot_password_on_the_embedded_default_lands_in_the_outbox(running: Running) -> None:
    with urllib.request.urlopen(running.url("/password/forgot"), timeout=10) as answer:
        page = answer.read().decode()
        cookie = answer.headers["Set-Cookie"].split(";")[0]
    assert "not set up" not in page
    assert "<code>outbox</code> folder" in page
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "email": "admin@caredesk.localhost"}
    ).encode()
    request = urllib.request.Request(
        running.url("/password/forgot"), data=form, headers={"Cookie": cookie}
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert "<code>outbox</code> folder" in answer.read().decode()

    def links() -> list[str]:
        box = running.home / "outbox"
        if not (box / "new").exists():
            return []
        bodies = [m.get_payload(decode=True) for m in stdlib_mailbox.Maildir(box)]
        return [b.decode() for b in bodies if isinstance(b, bytes) and b"/password/reset/" in b]

    assert wait_until(lambda: bool(links()), timeout=20)
    assert running.url("/password/reset/") in links()[0]
