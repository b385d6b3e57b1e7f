"""`mediation-desk hot-words`: the period's words with the period before, the index caught
up first where it is missing, and bad input refused in words."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text

from app.cli.command import main
from app.services import cases
from tests.conftest import complaint_form


def _fill(ws) -> None:
    for n, (text_, day) in enumerate((("健身房跑路，预付卡退费难", 20), ("美容院跑路", 21),
                                      ("预付卡退费难", 5))):
        cases.intake_work_order(ws, complaint_form(
            description=text_, request="", source_ticket=f"13101152026020{n:04d}",
            received_at=datetime(2026, 2, day, 3, 0, tzinfo=UTC)))
    with ws.store.engine.begin() as conn:  # as a store from before the index
        conn.execute(text("DELETE FROM case_words"))
        conn.execute(text("DELETE FROM case_word_docs"))


def test_the_words_of_a_period_beside_the_period_before(ws, capsys):
    _fill(ws)
    folder = str(ws.store.path.parent)
    assert main(["hot-words", "--data-dir", folder, "--from", "2026-02-16",
                 "--to", "2026-02-28"]) == 0
    out, err = capsys.readouterr()
    assert "indexed 3 cases" in err
    lines = out.splitlines()
    assert lines[0].startswith("热词 2026-02-16 – 2026-02-28 (before: 2026-02-03 – 2026-02-15)")
    assert lines[2].split() == ["1", "跑路", "2", "0", "new"]
    assert ["预付卡", "1", "1", "+0%"] in [line.split()[1:] for line in lines[2:]]
    # the index is current now: nothing is segmented again
    assert main(["hot-words", "--data-dir", folder, "--from", "2026-02-16",
                 "--to", "2026-02-28", "--mediator", "zhangmin"]) == 0
    out, err = capsys.readouterr()
    assert "indexed" not in err
    assert "no cases in this period" in out  # intake leaves cases unassigned


def test_bad_input_is_refused_in_words(ws, capsys, tmp_path):
    folder = str(ws.store.path.parent)
    assert main(["hot-words", "--data-dir", folder, "--from", "2026-02-30"]) == 2
    assert "not a date" in capsys.readouterr().err
    assert main(["hot-words", "--data-dir", folder, "--from", "2026-03-02",
                 "--to", "2026-03-01"]) == 2
    assert "is after" in capsys.readouterr().err
    assert main(["hot-words", "--data-dir", folder, "--mediator", "nobody"]) == 2
    assert "no mediator with the login 'nobody'" in capsys.readouterr().err
    assert main(["hot-words", "--data-dir", str(tmp_path / "empty")]) == 2
    assert "no store in" in capsys.readouterr().err
