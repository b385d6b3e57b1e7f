"""The hot-words index (issue 15, item 2): each case's words, derived from its title,
description and request by app/core/hot_words.py. Local and derived like case_tags and
the search index: never synced, kept current by the services (app/services/hot_words.py)
and caught up in the background for cases not yet in it.

``case_word_docs`` is the watermark: one row per case that has been segmented, with the
lexicon it was segmented with, and the small integer key its words carry. ``case_words``
holds (key, word) once per word of the case, with the case's day of receipt (China time,
as a day number: ``date.toordinal()``) so that a period's words are one index range.
"""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.store.base import Base


class CaseWordDoc(Base):
    __tablename__ = "case_word_docs"
    __table_args__ = (Index("ix_case_word_docs_lexicon", "lexicon"),)

    # Handed out by the services (max + 1), so both databases number alike.
    doc: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    day: Mapped[int] = mapped_column(Integer)  # china_date(received_at).toordinal()
    lexicon: Mapped[str] = mapped_column(String(16))  # Lexicon.fingerprint it was cut with


class CaseWord(Base):
    __tablename__ = "case_words"
    __table_args__ = (
        # A period's words, counted from the index alone (it carries the key too).
        Index("ix_case_words_day_word", "day", "word"),
        {"sqlite_with_rowid": False},
    )

    doc: Mapped[int] = mapped_column(
        ForeignKey("case_word_docs.doc", ondelete="CASCADE"), primary_key=True)
    word: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[int] = mapped_column(Integer)
