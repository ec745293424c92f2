"""What every `caredesk` command shares: exit codes, the one-sentence error, help that shows
defaults, and reading a secret from a prompt, a file or the environment."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import Any

EX_OK = 0
EX_FAIL = 1
EX_USAGE = 64
EX_UNAVAILABLE = 69
EX_TEMPFAIL = 75


class CliError(Exception):
    """A mistake or a problem the person at the command line can fix: printed as one sentence
    after "caredesk: ", with no traceback, and the command exits with `code`."""

    def __init__(self, message: str, code: int = EX_USAGE) -> None:
        super().__init__(message)
        self.code = code


class HelpFormatter(argparse.HelpFormatter):
    """argparse's help, with "(default: ...)" after every option that has a default worth
    showing (ArgumentDefaultsHelpFormatter also prints "None" and "False")."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        default = action.default
        if (
            "%(default)" in text
            or default in (None, False, "", [], argparse.SUPPRESS)
            or not action.option_strings
        ):
            return text
        return f"{text} (default: %(default)s)"


class Parser(argparse.ArgumentParser):
    """Every caredesk parser, subcommands' too (argparse makes those of the parent's class)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)


def hostport(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise argparse.ArgumentTypeError(
            f"expected HOST:PORT such as 127.0.0.1:8000, not {value!r}"
        )
    return host.strip("[]"), int(port)


def add_password_options(parser: argparse.ArgumentParser, *, what: str) -> None:
    """--password-file and --password-env, as `caredesk imap set` takes its secret."""
    parser.add_argument(
        "--password-file",
        type=Path,
        metavar="FILE",
        help=f"read {what} from the first line of FILE",
    )
    parser.add_argument(
        "--password-env", metavar="VAR", help=f"read {what} from the environment variable VAR"
    )


def password_from(args: argparse.Namespace) -> str | None:
    """The password given by --password-file or --password-env, or None when neither is."""
    if getattr(args, "password_file", None) is not None:
        path: Path = args.password_file
        try:
            lines = path.read_text().splitlines()
        except OSError as exc:
            raise CliError(f"cannot read {path}: {exc.strerror}") from None
        return lines[0] if lines else ""
    if getattr(args, "password_env", None):
        value = os.environ.get(args.password_env)
        if value is None:
            raise CliError(f"the variable {args.password_env} is not set")
        return value
    return None


def password_prompt(*, intro: str = "") -> str:
    """Ask twice on the terminal, without echo."""
    if not sys.stdin.isatty():
        raise CliError(
            "there is no terminal to ask for the password on; give it with --password-file "
            "or --password-env"
        )
    if intro:
        print(intro)
    first = getpass.getpass("New password: ")
    if getpass.getpass("New password again: ") != first:
        raise CliError("the two passwords do not match; nothing was changed")
    return first
