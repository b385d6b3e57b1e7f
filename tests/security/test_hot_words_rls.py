"""The central hot-words index against a colleague in another office with psql: they read
no word of our office's cases and write none, not even for their own office."""

from __future__ import annotations

import psycopg
import pytest

from app.services import cases, hot_words
from tests.conftest import complaint_form


@pytest.fixture
def indexed(pg_desks, pg_central):
    a, c = pg_desks("mdt_zhangmin"), pg_desks("mdt_zhaolei")
    ours, _ = cases.intake_work_order(a.ws, complaint_form(
        description="健身房跑路，预付卡退费难", request="", source_ticket="1310115202603010001"))
    theirs, _ = cases.intake_work_order(c.ws, complaint_form(
        description="培训机构停业", request="", source_ticket="1310115202603010002"))
    a.sync()
    c.sync()
    assert hot_words.catch_up(pg_central.admin()).cases == 2
    return ours, theirs


def test_a_login_reads_only_its_own_offices_words(indexed, psql):
    ours, theirs = indexed
    other = psql("mdt_zhaolei")
    words = {r[0] for r in other.execute("SELECT word FROM case_words")}
    assert words == {"培训机构", "停业"}
    assert [r[0] for r in other.execute("SELECT case_id FROM case_word_docs")] == [theirs]
    mine = psql("mdt_zhangmin")
    assert {r[0] for r in mine.execute("SELECT word FROM case_words")} >= {"跑路", "预付卡"}
    assert "停业" not in {r[0] for r in mine.execute("SELECT word FROM case_words")}


@pytest.mark.parametrize("attack", [
    "INSERT INTO case_words (doc, word, day) SELECT doc, '造谣', day FROM case_word_docs",
    "UPDATE case_words SET word = '造谣'",
    "DELETE FROM case_words",
    "DELETE FROM case_word_docs",
    "UPDATE case_word_docs SET lexicon = 'x'",
])
def test_a_login_writes_no_word(indexed, psql, superuser, attack):
    before = superuser.execute("SELECT count(*) FROM case_words").fetchone()[0]
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        psql("mdt_zhaolei").execute(attack)
    assert superuser.execute("SELECT count(*) FROM case_words").fetchone()[0] == before
