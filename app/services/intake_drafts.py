"""A work order half typed in, kept as a draft (issue 16, item 1).

新建工单 is a long form, typed while the caller is on the line; an Esc meant for a list,
a closed window or a crash must not lose it. The form's values are kept per user on
this computer (``local_meta``, inside the encrypted store; a draft is nobody else's
business and is not synced) and offered back the next time the form opens. Values are
kept as JSON, as the form gives them (text, numbers, an instant as ISO text): the form
puts them back.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.services.context import Workstation
from app.store.models import LocalMeta

_KEY_PREFIX = "intake_draft:"
_KEY_LENGTH = 64  # local_meta.key


@dataclass(frozen=True)
class IntakeDraft:
    saved_at: datetime
    values: dict[str, Any]  # field key → its value (JSON: text, a number, None)


def _key(login: str) -> str:
    key = _KEY_PREFIX + login
    if len(key) <= _KEY_LENGTH:
        return key
    return _KEY_PREFIX + "#" + hashlib.sha256(login.encode()).hexdigest()[:40]


def save_intake_draft(ws: Workstation, values: Mapping[str, Any]) -> None:
    """Keep the form's values as this user's draft (in place of an earlier one)."""
    key = _key(ws.actor.login)
    with ws.store.unit_of_work() as session:
        row = session.get(LocalMeta, key)
        text = json.dumps({"saved_at": ws.now().isoformat(), "values": dict(values)},
                          ensure_ascii=False)
        if row is None:
            session.add(LocalMeta(key=key, value=text))
        else:
            row.value = text


def load_intake_draft(ws: Workstation) -> IntakeDraft | None:
    """This user's draft, if one is kept (one that cannot be read is none)."""
    with ws.store.unit_of_work() as session:
        row = session.get(LocalMeta, _key(ws.actor.login))
        if row is None:
            return None
        try:
            data = json.loads(row.value)
            values = {str(k): v for k, v in dict(data["values"]).items()}
            return IntakeDraft(datetime.fromisoformat(data["saved_at"]), values)
        except (ValueError, KeyError, TypeError):
            return None


def discard_intake_draft(ws: Workstation) -> None:
    with ws.store.unit_of_work() as session:
        row = session.get(LocalMeta, _key(ws.actor.login))
        if row is not None:
            session.delete(row)
