"""The frozen app's entry point (PyInstaller): the `mediation-desk` command."""

import multiprocessing
import sys

if __name__ == "__main__":
    # demo-data builds rows in spawned processes; in a frozen app a spawned child is this
    # binary again, and freeze_support() turns it into the worker instead of a second app.
    multiprocessing.freeze_support()
    from app.cli import main

    sys.exit(main())
