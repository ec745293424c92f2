"""Finding caredesk's data before a command uses it.

`./var` (the default CAREDESK_HOME) is relative to the current folder, and SQLite creates a
database file wherever it is pointed. So a command run from another folder would make an empty
database there and fail on its first query. Only `caredesk run` and `caredesk migrate` create
data; every other command first checks that the database is there and has its tables, and
otherwise says where it looked and how to point it elsewhere.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from caredesk.cli._common import EX_FAIL, EX_UNAVAILABLE, CliError
from caredesk.config import env

CREATE_DATA = frozenset({"run", "migrate"})


def data_check_before_setup() -> None:
    """Refuse, before Django opens anything, when the SQLite database file does not exist."""
    home = env.home_path()
    config = dj_database_url.parse(env.database_url(home))
    if config["ENGINE"] != "django.db.backends.sqlite3":
        return  # a server: whether it has our tables is checked once connected
    name = Path(str(config["NAME"]))
    if name.exists() or str(config["NAME"]) in ("", ":memory:"):
        return
    if env.get("DATABASE_URL"):
        raise CliError(
            f"there is no database file {name} (CAREDESK_DATABASE_URL); point "
            "CAREDESK_DATABASE_URL at the existing one, or create it with `caredesk migrate`",
            EX_FAIL,
        )
    if env.get("HOME"):
        raise CliError(
            f"there is no caredesk data in {home} (CAREDESK_HOME); set CAREDESK_HOME to the "
            "data folder `caredesk run` printed, or start one there with `caredesk run`",
            EX_FAIL,
        )
    raise CliError(
        f"there is no caredesk data in {home}: without CAREDESK_HOME caredesk looks in ./var "
        "under the current folder, so run this from the folder where you ran `caredesk run`, "
        "or set CAREDESK_HOME to the data folder it printed",
        EX_FAIL,
    )


def database_description() -> str:
    """Where the database is, for messages: a file, or a server without its password."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return str(db["NAME"])
    user = f"{db['USER']}@" if db.get("USER") else ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    host = db.get("HOST") or "localhost"
    return f"{db['ENGINE'].rpartition('.')[2]}://{user}{host}{port}/{db['NAME']}"


def data_check_after_setup() -> None:
    """Refuse when the database cannot be reached or has no tables yet (never migrated)."""
    from django.db import DatabaseError, connection

    from caredesk.accounts.models import Agent

    try:
        tables = set(connection.introspection.table_names())
    except DatabaseError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CliError(
            f"cannot reach the database {database_description()}: {reason}", EX_UNAVAILABLE
        ) from None
    if "django_migrations" not in tables or Agent._meta.db_table not in tables:
        raise CliError(
            f"the database {database_description()} has no caredesk tables yet: run "
            "`caredesk migrate` first (`caredesk run` does it too)",
            EX_FAIL,
        )
