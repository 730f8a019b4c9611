"""The `medtune` command line. Each area registers its subcommands from `medtune/commands/<area>.py`.

A command module defines `register(subparsers)` and sets `func=...` on its parsers; `func(args)` returns an
exit code. Modules import heavy libraries inside their functions so `medtune --help` stays instant.
Errors are one clear message and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys
from typing import Any

from pydantic import ValidationError

from medtune import __version__
from medtune.errors import ConfigError, MedtuneError

#: Environment prefixes of the settings objects, to name the variable a validation error is about.
SETTINGS_PREFIXES = {"Settings": "MEDTUNE_", "ChatSettings": "MEDTUNE_CHAT_"}

EXIT_USER_ERROR = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="medtune",
        description="Fine-tune and evaluate language models on healthcare tasks.",
    )
    parser.add_argument("--version", action="version", version=f"medtune {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    import medtune.commands as commands

    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if not info.name.startswith("_"):
            importlib.import_module(f"medtune.commands.{info.name}").register(subparsers)
    return parser


def emit(data: Any, as_json: bool, text: str | None = None) -> None:
    """Print `data` as JSON when asked, else the human `text` (or a JSON rendering when none is given)."""
    if as_json or text is None:
        print(json.dumps(data, indent=2, ensure_ascii=False, default=str))
    else:
        print(text)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USER_ERROR if args.command is None and argv else 0
    if getattr(args, "batch_process", False):
        from medtune.models.batch_inference import reuse_freed_memory

        reuse_freed_memory()  # a batch command (eval, predict): keep activation buffers for reuse, set once at start
    try:
        return int(args.func(args) or 0)
    except MedtuneError as err:
        print(f"error [{err.reason.value}]: {err.message}", file=sys.stderr)
        print(f"hint: {err.hint}", file=sys.stderr)
        return EXIT_USER_ERROR
    except ValidationError as exc:  # e.g. MEDTUNE_API_PORT=99999: one line naming the variable, not a traceback
        err = settings_error(exc)
        print(f"error [{err.reason.value}]: {err.message}", file=sys.stderr)
        print(f"hint: {err.hint}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def settings_error(exc: ValidationError) -> ConfigError:
    """A pydantic validation error as a ConfigError; for the settings objects it names the environment variable."""
    prefix = SETTINGS_PREFIXES.get(exc.title)
    problems = []
    for e in exc.errors():
        name = ".".join(str(part) for part in e.get("loc", ()))
        where = f"{prefix}{name.upper()}" if prefix else f"{exc.title}.{name}"
        problems.append(f"{where}={e.get('input')!r}: {e.get('msg')}")
    hint = ("fix or unset the environment variable (README.md, Settings)" if prefix
            else "fix the field named above")
    return ConfigError("; ".join(problems), hint=hint)
