"""The `mediation-desk` command line: opens the workstation, or runs a subcommand.

`common` holds what every command shares; each subcommand module adds its parser and
names its `run`; `command` puts them together. Only the GUI path imports Qt, so
subcommands run on machines without a display.
"""

from app.cli.command import build_parser, main

__all__ = ["build_parser", "main"]
