"""`caredesk --help` and `caredesk COMMAND --help` describe every option (README)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from caredesk.cli import build_parser
from tests.cli.helpers import caredesk


def _commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    found = [(path, parser)]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                found += _commands(child, (*path, name))
    return found


COMMANDS = _commands(build_parser())


def test_every_command_is_found() -> None:
    names = {" ".join(path) for path, _ in COMMANDS}
    for expected in (
        "run", "agent add", "agent list", "agent set", "agent password",
        "token create", "token list", "token revoke", "mailbox set", "manage",
    ):  # fmt: skip
        assert expected in names


@pytest.mark.parametrize("path", [path for path, _ in COMMANDS], ids=" ".join)
def test_help_exits_zero(path: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        build_parser().parse_args([*path, "--help"])
    assert done.value.code == 0
    assert "usage: caredesk" in capsys.readouterr().out


def test_every_option_and_argument_has_help() -> None:
    missing: set[tuple[str, ...]] = set()
    for path, parser in COMMANDS:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction | argparse._HelpAction):
                continue
            if action.help == argparse.SUPPRESS:
                continue
            if not action.help:
                missing.add(
                    (*path, action.option_strings[0] if action.option_strings else action.dest)
                )
    assert not missing, sorted(missing)


def test_help_shows_the_ports_and_how_to_change_them(tmp_path: Path) -> None:
    done = caredesk("run", "--help", cwd=tmp_path)
    assert done.returncode == 0
    text = " ".join(done.stdout.split())
    assert "--http HOST:PORT" in text and "(default: 127.0.0.1:8000)" in text
    assert "--smtp HOST:PORT" in text and "(default: 127.0.0.1:2525)" in text
    assert not (tmp_path / "var").exists()


def test_manage_help_works(tmp_path: Path) -> None:
    done = caredesk("manage", "--help", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "caredesk manage help" in " ".join(done.stdout.split())
    bare = caredesk("manage", cwd=tmp_path)
    assert bare.returncode == 0 and "usage: caredesk manage" in bare.stdout


def _documented_commands() -> list[str]:
    """Every `caredesk ...` line in the shell blocks of README.md and docs/*.md."""
    root = Path(__file__).parents[2]
    found = []
    for doc in [root / "README.md", *sorted((root / "docs").glob("*.md"))]:
        text = doc.read_text()
        for block in text.split("```sh\n")[1:]:
            body = block.split("```")[0].replace("\\\n", " ")
            for line in body.splitlines():
                command = line.split(" #")[0].split(" <")[0].strip()
                if command.startswith(("caredesk ", ".venv/bin/caredesk ")):
                    found.append(command)
    return found


@pytest.mark.parametrize("line", _documented_commands())
def test_documented_commands_are_understood(line: str) -> None:
    import shlex

    argv = shlex.split(line)[1:]
    args = build_parser().parse_args(argv)
    assert args.func is not None
