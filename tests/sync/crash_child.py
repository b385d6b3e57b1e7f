"""A workstation process for the kill -9 tests: it does one thing and is killed at the
crash point named in MEDIATION_DESK_CRASH_AT (or right after its local write).

    python -m tests.sync.crash_child DATA_DIR URL PASSWORD LOGIN write|sync [CASE_ID TITLE]
"""

from __future__ import annotations

import os
import signal
import sys
import uuid
from pathlib import Path

from app.services import cases
from app.services import sync as sync_service
from app.store.database import open_store
from app.sync.central import CentralConfig


def main() -> None:
    data_dir, url, password, login, action, *rest = sys.argv[1:]
    store = open_store(Path(data_dir))
    config = CentralConfig(url, sslmode="disable")
    if action == "write":
        ws = sync_service.open_linked_workstation(store)
        cases.update_case(ws, uuid.UUID(rest[0]), {"title": rest[1]})
        os.kill(os.getpid(), signal.SIGKILL)  # right after the local commit
    engine = sync_service.connect(config, password or None)
    sync_service.make_client(store, engine).sync()
    print("sync finished without reaching the crash point", file=sys.stderr)
    sys.exit(3)


if __name__ == "__main__":
    main()
