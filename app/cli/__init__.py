"""The `mediation-desk` command line: opens the workstation, or runs a subcommand.

`common` holds what every command shares; each subcommand module adds its parser and
names its `run`; `command` puts them together. Only the GUI path imports Qt, so
subcommands run on machines without a display.
"""

from __future__ import annotations

import argparse

from app.core import heap


def main(argv: list[str] | None = None) -> int:
    """The command (app.cli.command.main), its modules loaded with the collector paused
    (app.core.heap: a start's objects are not garbage); it is given back before the
    command runs, and here whatever happens."""
    heap.pause_while_loading()
    try:
        from app.cli import command

        return command.main(argv)
    finally:
        heap.loaded()


def build_parser() -> argparse.ArgumentParser:
    from app.cli import command

    return command.build_parser()


__all__ = ["build_parser", "main"]
