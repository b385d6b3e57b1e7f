"""What an import of work orders last wrote into each case (issue 15), so that a
re-import updates only the fields nobody has edited since. Local bookkeeping: never
synced (another workstation's import keeps its own)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from app.store.base import Base, UtcDateTime


class ImportedValues(Base):
    __tablename__ = "imported_values"

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    # ImportField value → the text the import wrote (as the case holds it)
    values: Mapped[dict[str, Any]] = mapped_column(JSON)
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime)
