"""caredesk settings: one module, driven by `CAREDESK_*` environment variables.

See docs/configuration.md for every variable and its default.
"""

from __future__ import annotations

import dj_database_url
import django_stubs_ext

from caredesk.config import env

# Lets generic classes such as ModelAdmin[Agent] be subscripted at run time.
django_stubs_ext.monkeypatch()

HOME = env.home()
SECRET_KEY = env.secret_key(HOME)
DEBUG = env.get_bool("DEBUG")
ALLOWED_HOSTS = [h.strip() for h in env.get("ALLOWED_HOSTS", "*").split(",") if h.strip()]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "caredesk.config.apps.CaredeskAdminConfig",
    "huey.contrib.djhuey",
    # Its API docs page then uses the Swagger UI files it ships, served by caredesk (no CDN).
    "ninja",
    "caredesk.core",
    "caredesk.accounts",
    "caredesk.customers",
    "caredesk.mailboxes",
    "caredesk.notifications",
    "caredesk.inbound",
    "caredesk.tickets",
    "caredesk.sla",
    "caredesk.outbound",
    "caredesk.system_emails",
    "caredesk.replies",
    "caredesk.glossary",
    "caredesk.knowledge",
    "caredesk.workspace",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "caredesk.workspace.timezones.AgentTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "caredesk.config.urls"
WSGI_APPLICATION = "caredesk.config.wsgi.application"
AUTH_USER_MODEL = "accounts.Agent"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASE_URL = env.database_url(HOME)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=600)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock when a transaction starts, so two processes never both read
    # "no such ticket yet" and then both create one; WAL lets readers work during a write.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;"
        ),
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = HOME / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = HOME / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Huey: SQLite storage in the home folder by default, Redis when CAREDESK_REDIS_URL is set.
REDIS_URL = env.get("REDIS_URL")
HUEY_IMMEDIATE = env.get_bool("HUEY_IMMEDIATE")
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.PriorityRedisHuey",
        "name": env.get("HUEY_NAME", "caredesk"),
        "url": REDIS_URL,
        "immediate": HUEY_IMMEDIATE,
        "results": False,  # jobs report through the database; nobody reads queue results
        "utc": True,
        "consumer": {"workers": env.get_int("WORKERS", 4), "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "caredesk",
        "filename": str(HOME / "queue.sqlite3"),
        "immediate": HUEY_IMMEDIATE,
        "results": False,
        "utc": True,
        "consumer": {
            "workers": env.get_int("WORKERS", 2),
            "worker_type": "thread",
            "initial_delay": 0.05,
            "backoff": 1.5,
            "max_delay": 0.5,
        },
    }

# Email behaviour.
CAREDESK_MAX_MESSAGE_SIZE = env.get_int("MAX_MESSAGE_SIZE", 35 * 1024 * 1024)
CAREDESK_SMTP_RELAY = env.get("SMTP_RELAY")
# The SMTP server's answer to a client guessing addresses, after Postfix's smtpd_soft_error_limit
# and smtpd_hard_error_limit: past the soft limit of refused recipients in one session each
# further refusal waits, at the hard limit the session is closed with 421; a client address
# that reached the hard limit waits from its first refusal for a while (docs/mail-setup.md).
CAREDESK_SMTP_SOFT_REFUSALS = env.get_int("SMTP_SOFT_REFUSALS", 10)
CAREDESK_SMTP_HARD_REFUSALS = env.get_int("SMTP_HARD_REFUSALS", 20)
CAREDESK_SMTP_REFUSAL_DELAY_MS = env.get_int("SMTP_REFUSAL_DELAY_MS", 1000)
CAREDESK_SMTP_OFFENDER_MINUTES = env.get_int("SMTP_OFFENDER_MINUTES", 10)
CAREDESK_OUTBOUND_TRANSPORT = env.get(
    "OUTBOUND_TRANSPORT",
    "caredesk.outbound.transports.SmtpRelayTransport"
    if CAREDESK_SMTP_RELAY
    else "caredesk.outbound.transports.MaildirTransport",
)
CAREDESK_OUTBOX_MAILDIR = HOME / "outbox"
CAREDESK_DELIVERY_MAX_ATTEMPTS = env.get_int("DELIVERY_MAX_ATTEMPTS", 8)
CAREDESK_DELIVERY_TAKEOVER_SECONDS = env.get_int("DELIVERY_TAKEOVER_SECONDS", 2)
CAREDESK_DELIVERY_BACKOFF_SECONDS = env.get_int("DELIVERY_BACKOFF_SECONDS", 30)
CAREDESK_ACK_LIMIT_PER_HOUR = env.get_int("ACK_LIMIT_PER_HOUR", 3)
# People an incoming email may add to its ticket (its To and Cc, besides the sender), and the
# most a ticket takes from email in all: a reply goes to every one of them.
CAREDESK_PARTICIPANTS_PER_EMAIL = env.get_int("PARTICIPANTS_PER_EMAIL", 20)
CAREDESK_PARTICIPANTS_PER_TICKET = env.get_int("PARTICIPANTS_PER_TICKET", 50)
# How long the acknowledgement of a new ticket waits when the email answers one caredesk does
# not hold yet: the rest of its conversation may still be arriving (out of order, or on another
# worker), and the customer should get one acknowledgement naming the ticket that stays.
CAREDESK_ACK_HOLD_SECONDS = env.get_int("ACK_HOLD_SECONDS", 10)
# ... and, while emails received before it still wait to be processed, at most this long.
CAREDESK_ACK_HOLD_MAX_SECONDS = env.get_int("ACK_HOLD_MAX_SECONDS", 120)
# The languages customers write to this desk in (ISO 639-1 codes). Detection chooses among these
# only, which is what makes it reliable on short emails: docs/language.md.
CAREDESK_LANGUAGES = env.get("LANGUAGES", "en,de,fr,es,it,nl,pt,pl,sv,da,no,fi,ja,zh,ru,tr")
CAREDESK_STUCK_INTAKE_SECONDS = env.get_int("STUCK_INTAKE_SECONDS", 60)
# All files attached to one reply or note together. Base64 makes them a third bigger on the
# wire: lower this if the relay or customers' providers take less than about 27 MB per email.
CAREDESK_REPLY_ATTACHMENTS_MAX_MB = env.get_int("REPLY_ATTACHMENTS_MAX_MB", 20)
# How much of a message's text (and of its HTML) a page or the API shows before saying the rest
# is there: as Gmail clips an email past about 100 KB with "View entire message", a ticket page
# with one 30 MB body must not be 30 MB. The whole text and the original are one click away.
CAREDESK_BODY_SHOWN_CHARS = env.get_int("BODY_SHOWN_CHARS", 100_000)
# Signing in to the workspace.
LOGIN_URL = "workspace:sign-in"
LOGIN_REDIRECT_URL = "workspace:inbox"
CAREDESK_SIGNIN_MAX_FAILURES = env.get_int("SIGNIN_MAX_FAILURES", 5)
CAREDESK_SIGNIN_WINDOW_MINUTES = env.get_int("SIGNIN_WINDOW_MINUTES", 15)
CAREDESK_SIGNIN_SLOW_SECONDS = env.get_int("SIGNIN_SLOW_SECONDS", 10)
# Password reset by email (docs/password-reset.md). Links are built from CAREDESK_PUBLIC_URL,
# never from a request's Host header unless ALLOWED_HOSTS names the hosts explicitly.
CAREDESK_PUBLIC_URL = env.get("PUBLIC_URL").rstrip("/")
CAREDESK_SYSTEM_FROM = env.get("SYSTEM_FROM")
PASSWORD_RESET_TIMEOUT = env.get_int("PASSWORD_RESET_MINUTES", 60) * 60
CAREDESK_PASSWORD_RESET_MAX_EMAILS = env.get_int("PASSWORD_RESET_MAX_EMAILS", 3)
CAREDESK_PASSWORD_RESET_WINDOW_MINUTES = env.get_int("PASSWORD_RESET_WINDOW_MINUTES", 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# IMAP fetching (see docs/mail-setup.md).
CAREDESK_IMAP_POLL_SECONDS = env.get_int("IMAP_POLL_SECONDS", 30)
CAREDESK_IMAP_LEASE_SECONDS = env.get_int("IMAP_LEASE_SECONDS", 60)
CAREDESK_IMAP_BACKOFF_SECONDS = env.get_int("IMAP_BACKOFF_SECONDS", 5)
CAREDESK_IMAP_ALERT_MINUTES = env.get_int("IMAP_ALERT_MINUTES", 15)
CAREDESK_IMAP_FETCH = env.get_bool("IMAP_FETCH", True)
# The time zone of the office-hours calendar created on first set-up (editable afterwards).
CAREDESK_TIME_ZONE = env.get("TIME_ZONE", "UTC")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.get("LOG_LEVEL", "INFO")},
    # A handler of its own keeps Huey's consumer from adding another one at INFO level, which
    # would log every task twice.
    "loggers": {
        "mail.log": {"level": "WARNING"},  # aiosmtpd logs every connection at INFO
        "huey": {
            "handlers": ["console"],
            "level": env.get("HUEY_LOG_LEVEL", "WARNING"),
            "propagate": False,
        },
    },
}
