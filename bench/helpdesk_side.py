"""django-helpdesk 2.6.1 on the same corpus: a throw-away venv, a minimal project, one run."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HELPDESK_VERSION = "2.6.1"
DRIVER = Path(__file__).with_name("helpdesk_driver.py")

SETTINGS = """\
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
SECRET_KEY = "bench-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.sites",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "helpdesk",
]
SITE_ID = 1
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "bench_project.urls"
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
            ]
        },
    }
]
DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(BASE / "helpdesk.sqlite3")}
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
USE_TZ = True
TIME_ZONE = "UTC"
STATIC_URL = "static/"
MEDIA_ROOT = str(BASE / "media")
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEFAULT_FROM_EMAIL = "support@example.com"
SERVER_EMAIL = "support@example.com"
# Teams need the optional pinax-teams app; email intake does not use them.
HELPDESK_TEAMS_MODE_ENABLED = False
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
"""

URLS = """\
from django.urls import include, path

urlpatterns = [path("helpdesk/", include("helpdesk.urls", namespace="helpdesk"))]
"""


def _run(cmd: list[str], *, timeout: float, log: Any, **kwargs: Any) -> str:
    result = subprocess.run(
        cmd, capture_output=True, text=True, timeout=timeout, check=False, **kwargs
    )
    if result.returncode != 0:
        tail = (result.stderr or result.stdout)[-3000:]
        raise RuntimeError(f"{' '.join(cmd[:3])} ... exited {result.returncode}:\n{tail}")
    return result.stdout


def create_venv(folder: Path, log: Any) -> Path:
    """A fresh venv with django-helpdesk from PyPI (about a minute on a laptop)."""
    log(f"django-helpdesk: creating a venv in {folder} and installing {HELPDESK_VERSION}")
    _run([sys.executable, "-m", "venv", str(folder)], timeout=300, log=log)
    python = folder / "bin" / "python"
    _run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
            f"django-helpdesk=={HELPDESK_VERSION}",
        ],
        timeout=900,
        log=log,
    )
    return python


def run_helpdesk(eml_source: Path, *, venv: Path | None, log: Any) -> dict[str, Any]:
    """Feed every .eml in `eml_source` to django-helpdesk; returns the driver's figures."""
    work = Path(tempfile.mkdtemp(prefix="caredesk-bench-helpdesk-"))
    try:
        if venv is None:
            python = create_venv(work / "venv", log)
        else:
            python = venv / "bin" / "python"
            if not python.exists():
                raise RuntimeError(f"--helpdesk-venv {venv}: no bin/python there")
        project = work / "project"
        (project / "bench_project").mkdir(parents=True)
        (project / "bench_project" / "__init__.py").write_text("")
        (project / "bench_project" / "settings.py").write_text(SETTINGS)
        (project / "bench_project" / "urls.py").write_text(URLS)
        inbox = work / "inbox"
        shutil.copytree(eml_source, inbox)
        version = _run(
            [
                str(python),
                "-c",
                "import importlib.metadata as m;print(m.version('django-helpdesk'))",
            ],
            timeout=60,
            log=log,
        ).strip()
        log(f"django-helpdesk {version}: processing {sum(1 for _ in inbox.iterdir())} .eml files")
        # UTF-8 mode: helpdesk opens the files in text mode with the locale's encoding.
        env = {"PATH": "/usr/bin:/bin", "PYTHONUTF8": "1", "HOME": str(work)}
        out = _run(
            [str(python), str(DRIVER), str(project), str(inbox)], timeout=3600, log=log, env=env
        )
        figures: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
        figures["version"] = version
        return figures
    finally:
        shutil.rmtree(work, ignore_errors=True)
