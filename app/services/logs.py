"""The workstation's log: rotating files in the user's log folder, without personal data.

INFO by default (``MEDIATION_DESK_LOG_LEVEL`` to change it). The folder is owner-only.
The program's own messages never name a person; as a second line of defence every
record is masked on its way out: mobile and landline numbers keep their first three and
last four digits, resident ID numbers their first six and last four, as on screen
(DOMAIN.md, privacy). A crash of the interpreter itself (a segfault in Qt or PDFium)
is written to ``crash.log`` beside it by faulthandler.
"""

from __future__ import annotations

import faulthandler
import logging
import logging.handlers
import os
import re
from pathlib import Path

from platformdirs import user_log_dir

LOG_DIR_ENV = "MEDIATION_DESK_LOG_DIR"
LOG_LEVEL_ENV = "MEDIATION_DESK_LOG_LEVEL"
LOG_NAME = "mediation-desk.log"
CRASH_NAME = "crash.log"
MAX_BYTES = 2 * 1024 * 1024
BACKUPS = 5

# 18-digit resident IDs (the last may be X), 15-digit old ones; mobiles; landlines.
_ID = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[0-9Xx])(?![0-9A-Za-z])")
_OLD_ID = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{5}(\d{4})(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)[ -]?\d{4}[ -]?(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})[ -]?\d{3,4}(\d{4})(?!\d)")

_crash_file = None  # kept open for faulthandler for the life of the process


def log_dir() -> Path:
    return Path(os.environ.get(LOG_DIR_ENV) or user_log_dir("MediationDesk", "MediationDesk"))


def log_file() -> Path:
    return log_dir() / LOG_NAME


def mask_personal_data(text: str) -> str:
    """ID numbers and phone numbers in ``text`` masked as the screen shows them."""
    text = _ID.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)
    text = _OLD_ID.sub(lambda m: f"{m.group(1)}*****{m.group(2)}", text)
    text = _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)
    return _LANDLINE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)


class MaskingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return mask_personal_data(super().format(record))


def setup_logging(level: str | None = None) -> Path:
    """Log to the rotating file (once per process and folder; later calls only return
    its path). Returns the log file's path."""
    global _crash_file
    path = log_file()
    root = logging.getLogger()
    if any(getattr(h, "_mediation_desk", False) and Path(h.baseFilename) == path
           for h in root.handlers):
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=MAX_BYTES,
                                                   backupCount=BACKUPS, encoding="utf-8")
    handler._mediation_desk = True  # type: ignore[attr-defined]
    handler.setFormatter(MaskingFormatter(
        "%(asctime)s %(levelname)s %(process)d %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level or os.environ.get(LOG_LEVEL_ENV) or "INFO")
    os.chmod(path, 0o600)
    if _crash_file is None:
        _crash_file = open(path.parent / CRASH_NAME, "a", encoding="utf-8")
        os.chmod(path.parent / CRASH_NAME, 0o600)
        faulthandler.enable(_crash_file)
    logging.getLogger(__name__).info("started, pid %d", os.getpid())
    return path
