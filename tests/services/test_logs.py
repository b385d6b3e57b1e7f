"""The log file: in the user's log folder, owner-only, with no phone or ID number."""

from __future__ import annotations

import logging
import stat

import pytest

from app.services import logs


@pytest.mark.parametrize(("raw", "shown"), [
    ("13800135678", "138****5678"),
    ("138 0013 5678", "138****5678"),
    ("+86 138-0013-5678", "+86 138****5678"),
    ("11010519491231002X", "110105********002X"),
    ("id=110105194912310021,", "id=110105********0021,"),
    ("021-58881234", "021****1234"),
    ("case 3f2a9c1e-0b7d-4e5f-8a6b-1234567890ab v12", "case 3f2a9c1e-0b7d-4e5f-8a6b-1234567890ab v12"),
    ("pushed 100 rows in 348 ms", "pushed 100 rows in 348 ms"),
])
def test_phones_and_id_numbers_are_masked(raw, shown):
    assert logs.mask_personal_data(raw) == shown


@pytest.fixture
def log_folder(tmp_path, monkeypatch):
    folder = tmp_path / "logs"
    monkeypatch.setenv(logs.LOG_DIR_ENV, str(folder))
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    yield folder
    for handler in root.handlers[:]:
        if handler not in before:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def test_the_log_is_owner_only_and_holds_no_personal_data(log_folder):
    path = logs.setup_logging()
    assert path == log_folder / "mediation-desk.log"
    assert logs.setup_logging() == path  # once per process: no second handler
    logging.getLogger("app.test").warning("callback to %s for %s", "13912345678",
                                          "31011519800101123X")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = path.read_text(encoding="utf-8")
    assert "139****5678" in text and "310115********123X" in text
    assert "13912345678" not in text and "31011519800101123X" not in text
    assert text.count("started, pid") == 1
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(log_folder.stat().st_mode) == 0o700
    import faulthandler

    assert faulthandler.is_enabled()  # a crash in Qt or PDFium leaves its stack in crash.log
