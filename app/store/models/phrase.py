"""The office's own session templates, quick phrases (常用语) and agreement clauses
(条款库), edited by mediators.

Built-in ones live in ``app.core.phrases``; these rows are what an office adds.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.store.base import Base, SyncedMixin


class Phrase(SyncedMixin, Base):
    __tablename__ = "phrases"

    office_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("offices.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # phrase|template|clause
    category: Mapped[str] = mapped_column(String(64), default="")  # "" = every category
    field: Mapped[str] = mapped_column(String(32), default="")  # editor field; "" = any
    title: Mapped[str] = mapped_column(String(120), default="")
    body: Mapped[str] = mapped_column(Text, default="")  # a phrase's text
    fields: Mapped[Any] = mapped_column(JSON, default=dict)  # a template: field -> text
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(64), default="")
