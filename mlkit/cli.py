"""The ``mlkit`` command: thin over the core modules.

Each sub-command lives in its own module under :mod:`mlkit.commands` (found
automatically) and adds itself with a ``register(subparsers)`` function that sets ``func`` on its
parser. Command modules import heavy libraries only inside ``func``, so
``mlkit --help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from mlkit import __version__
from mlkit.errors import MlkitError, storage_message


def command_modules() -> list[str]:
    """Every module of :mod:`mlkit.commands`, in name order."""
    import pkgutil

    import mlkit.commands

    return sorted(f"mlkit.commands.{m.name}" for m in pkgutil.iter_modules(mlkit.commands.__path__))


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command registered."""
    parser = argparse.ArgumentParser(
        prog="mlkit",
        description="A Jupyter course kit for the curriculum of a machine-learning master's.",
    )
    parser.add_argument("--version", action="version", version=f"mlkit {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in command_modules():
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_usage(sys.stderr)
        print("mlkit: error: choose a command; `mlkit --help` lists them", file=sys.stderr)
        return 2
    try:
        return int(args.func(args) or 0)
    except MlkitError as error:
        print(f"mlkit {args.command}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"mlkit {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        sys.stderr.close()
        return 0
    except OSError as error:  # a folder that is read-only, full, or not a folder: say so, no traceback
        print(f"mlkit {args.command}: error: {storage_message(error)}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover - `python -m mlkit.cli`
    sys.exit(main())
