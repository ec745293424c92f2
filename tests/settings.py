"""Settings for the test suite: the real settings, with a throw-away home folder.

The database is whatever CAREDESK_DATABASE_URL says (SQLite by default, PostgreSQL in CI's
second run); the SQLite test database is a file so worker subprocesses can open it too.
"""

import os
import tempfile

os.environ.setdefault("CAREDESK_HOME", tempfile.mkdtemp(prefix="caredesk-test-"))
os.environ.setdefault("CAREDESK_HUEY_IMMEDIATE", "1")
os.environ.setdefault("CAREDESK_OUTBOUND_TRANSPORT", "caredesk.outbound.transports.MemoryTransport")
os.environ.setdefault("CAREDESK_LOG_LEVEL", "WARNING")

from caredesk.config.settings import *  # noqa: F403
from caredesk.config.settings import DATABASES, HOME

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(HOME / "test.sqlite3")}
else:
    # One database per run, so two runs on one server (two developers, CI) never collide.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast tests only

# Browser tests wait for the server's last requests before the database is emptied.
MIDDLEWARE = ["tests.inflight.middleware", *MIDDLEWARE]  # noqa: F405
