"""The audit trail held to the central database (issue 11, tamper evidence).

- ``verify_central``: walks each office's chain on PostgreSQL (office_seq/office_hash,
  linked by the trigger of migration 0008) and names each office's first broken link.
  The check recomputes the links with its own SQL, not with the database's stored
  functions, so an altered function cannot vouch for altered rows.
- ``compare``: the audit rows a workstation pushed against the central copies: what
  the workstation wrote (content, and the actor and time it gave, which the server
  keeps in client_actor/client_at beside its own) must be what the central database
  holds.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, text

from app.store.audit_chain import GENESIS
from app.store.models import AuditEvent, Office
from app.sync.central import is_postgresql
from app.sync.tables import to_plain

# The same link as public.md_audit_body/md_audit_link (migration 0008), written out.
_TS = "pg_catalog.to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
_BODY = ("pg_catalog.jsonb_build_array(e.office_seq, e.id, e.office_id, e.case_id, e.entity, "
         "e.entity_id, e.action, e.changes::jsonb, e.reason, e.deleted, e.actor, "
         f"{_TS.format('e.at')}, e.client_actor, {_TS.format('e.client_at')})::text")
_VERIFY_SQL = f"""
WITH r AS (
  SELECT e.id, e.office_id, e.office_seq, e.office_hash, e.at,
         pg_catalog.lag(e.office_seq) OVER w AS prev_seq,
         pg_catalog.lag(e.office_hash) OVER w AS prev_hash,
         {_BODY} AS body
    FROM public.audit_events e
   WHERE e.office_seq IS NOT NULL
  WINDOW w AS (PARTITION BY e.office_id ORDER BY e.office_seq)
), bad AS (
  SELECT r.*, CASE WHEN r.office_seq <> coalesce(r.prev_seq, 0) + 1 THEN 'missing'
                   ELSE 'changed' END AS problem
    FROM r
   WHERE r.office_seq <> coalesce(r.prev_seq, 0) + 1
      OR r.office_hash IS DISTINCT FROM pg_catalog.encode(pg_catalog.sha256(
           pg_catalog.convert_to(coalesce(r.prev_hash, '{GENESIS}') || E'\\n' || r.body,
                                 'UTF8')), 'hex')
)
SELECT DISTINCT ON (office_id) office_id, id, office_seq, at, problem, prev_seq
  FROM bad ORDER BY office_id, office_seq
"""


@dataclass(frozen=True)
class OfficeChain:
    office_id: uuid.UUID | None
    office: str  # code and name, or "—" for rows of no office
    rows: int
    head_seq: int
    problem: str = ""  # "" intact | changed | missing | out_of_chain
    seq: int | None = None
    row_id: uuid.UUID | None = None
    at: datetime | None = None
    detail: str = ""

    @property
    def intact(self) -> bool:
        return not self.problem


@dataclass(frozen=True)
class CentralReport:
    offices: list[OfficeChain] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return all(o.intact for o in self.offices)


class NoOfficeChain(Exception):
    """The central database is an SQLite file: it keeps no per-office chain."""


def verify_central(conn: Connection) -> CentralReport:
    if not is_postgresql(conn):
        raise NoOfficeChain()
    names = {o.id: f"{o.code} {o.name}" for o in conn.execute(
        select(Office.id, Office.code, Office.name))}
    counts = {r.office_id: (int(r.n), int(r.head or 0)) for r in conn.execute(text(
        "SELECT office_id, count(*) AS n, max(office_seq) AS head FROM public.audit_events "
        "GROUP BY office_id"))}
    broken = {r.office_id: r for r in conn.execute(text(_VERIFY_SQL))}
    outside = {r.office_id: r for r in conn.execute(text(
        "SELECT DISTINCT ON (office_id) office_id, id, at FROM public.audit_events "
        "WHERE office_seq IS NULL ORDER BY office_id, at"))}
    offices = []
    for office_id, (rows, head) in sorted(counts.items(), key=lambda kv: names.get(
            kv[0], "") if kv[0] else ""):
        label = names.get(office_id, str(office_id)) if office_id else "—"
        b = broken.get(office_id)
        if b is not None:
            detail = ""
            if b.problem == "missing":
                first = (b.prev_seq or 0) + 1
                detail = (f"rows {first}–{b.office_seq - 1} are missing before it"
                          if b.office_seq - 1 > first else f"row {first} is missing before it")
            offices.append(OfficeChain(office_id, label, rows, head, b.problem, b.office_seq,
                                       b.id, b.at, detail))
        elif office_id in outside:
            o = outside[office_id]
            offices.append(OfficeChain(office_id, label, rows, head, "out_of_chain", None,
                                       o.id, o.at))
        else:
            offices.append(OfficeChain(office_id, label, rows, head))
    return CentralReport(offices)


# ---------------------------------------------------------------- local vs central

# What a workstation wrote into a row and the central copy must keep.
_CONTENT = ("office_id", "case_id", "entity", "entity_id", "action", "changes", "reason",
            "deleted")


@dataclass(frozen=True)
class Difference:
    row_id: uuid.UUID
    case_id: uuid.UUID | None
    fields: dict[str, dict[str, Any]]  # field -> {"local": ..., "central": ...}


def _own(row: Any) -> dict[str, Any]:
    """A row as the workstation gave it: its content, actor and time."""
    values = {c: row[c] for c in _CONTENT}
    values["login"] = row["actor"]  # the server's stamp: the login that pushed it
    values["actor"] = row["client_actor"] if row["client_actor"] is not None else row["actor"]
    values["at"] = row["client_at"] if row["client_at"] is not None else row["at"]
    return values


def compare(local: Connection, central: Connection, ids: list[uuid.UUID]) -> list[Difference]:
    """The differences between these local audit rows and their central copies (a row
    missing centrally is a difference too)."""
    t = AuditEvent.__table__
    differences = []
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        mine = {r["id"]: r for r in local.execute(select(t).where(t.c.id.in_(chunk)))
                .mappings()}
        theirs = {r["id"]: r for r in central.execute(select(t).where(t.c.id.in_(chunk)))
                  .mappings()}
        for row_id in chunk:
            if row_id not in mine:
                continue
            own = _own(mine[row_id])
            if row_id not in theirs:
                differences.append(Difference(row_id, own["case_id"], {"*": {
                    "local": "present", "central": "missing"}}))
                continue
            held = _own(theirs[row_id])
            fields = {c: {"local": to_plain(t.c[c], own[c]), "central": to_plain(t.c[c],
                                                                               held[c])}
                      for c in own if own[c] != held[c]}
            if fields:
                differences.append(Difference(row_id, own["case_id"], fields))
    return differences
