"""Reading `CAREDESK_*` environment variables in one place, with their defaults."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def get(name: str, default: str = "") -> str:
    return os.environ.get(f"CAREDESK_{name}", default)


def get_int(name: str, default: int) -> int:
    raw = get(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SystemExit(f"CAREDESK_{name} must be a whole number, got {raw!r}") from exc


def get_bool(name: str, default: bool = False) -> bool:
    raw = get(name).strip().lower()
    if not raw:
        return default
    return raw in {"1", "true", "yes", "on"}


DEFAULT_HOME = "./var"


def home_path() -> Path:
    """The data folder, created or not: CAREDESK_HOME, or `./var` under the current folder."""
    return Path(get("HOME", DEFAULT_HOME)).expanduser().resolve()


def home() -> Path:
    """The data folder, created if need be (only `caredesk run` and `migrate` get this far on
    a folder without data: other commands check `home_path()` first, see caredesk/cli)."""
    path = home_path()
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url(home_dir: Path) -> str:
    """CAREDESK_DATABASE_URL, or the SQLite file in the home folder."""
    return get("DATABASE_URL") or f"sqlite:///{home_dir / 'caredesk.sqlite3'}"


def secret_key(home_dir: Path) -> str:
    """The secret key from the environment, or one generated once and kept in the home folder."""
    configured = get("SECRET_KEY")
    if configured:
        return configured
    path = home_dir / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        key = secrets.token_urlsafe(50)
        path.write_text(key)
        path.chmod(0o600)
        return key
