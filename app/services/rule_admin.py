"""Rule sets as an administrator keeps them (设置 → 期限规则): each clock's limit and the
legal basis it cites, the words and legal basis each 不予受理 / 终止调解 ground prints on a
notice, and the rule set's 已核实 flag with who verified it and when.

A change is checked as a whole through the core's own validation (a limit of zero or
less is refused by rule), saved as one audited row and followed by the clock recompute
(app/services/clocks). Unverifying is allowed too: the mediators are then warned again.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.deadlines import ClockKind, ClockStart, RuleSet, Unit
from app.core.errors import RuleSetError, UserFacingError
from app.core.users import UserRole
from app.core.workflow import Track
from app.services import audit, sync
from app.services.context import Workstation
from app.services.dto import Changes
from app.store.models import DeadlineRuleSet, Mediator

AUDIT_ENTITY = "deadline_rule_set"
CITATION_MAX = 300
GROUND_TEXT_MAX = 200
# Words that hedge: what is printed for a citizen states the law or says nothing.
HEDGES = ("未核实", "待核实", "据报道", "暂定", "仅供参考")
REJECTION, TERMINATION = "rejection", "termination"


class RuleEditRefused(UserFacingError):
    """Nothing was saved. ``rule``: the index of the clock that is wrong (None: the set);
    ``problem``: not_administrator, limit_not_positive, citation_too_long, unknown, invalid,
    ground_empty, ground_too_long, ground_hedged (``ground``: (kind, code) then)."""

    def __init__(self, problem: str, rule: int | None = None,
                 ground: tuple[str, str] | None = None) -> None:
        super().__init__(f"{problem} (rule {rule}, ground {ground})")
        self.problem = problem
        self.rule = rule
        self.ground = ground


@dataclass(frozen=True)
class RuleView:
    kind: ClockKind
    limit: int
    unit: Unit
    starts_at: ClockStart
    soft: bool
    citation: str


@dataclass(frozen=True)
class GroundView:
    kind: str  # REJECTION / TERMINATION
    code: str
    text: str
    basis: str


@dataclass(frozen=True)
class RuleSetView:
    code: str
    name: str
    track: Track
    valid_from: date
    valid_to: date | None
    confirmed: bool
    verified_by: str  # the login
    verified_by_name: str  # the person's name ("" when the store does not know them)
    verified_at: datetime | None
    revision: int
    rules: tuple[RuleView, ...]
    grounds: tuple[GroundView, ...] = ()


def rule_sets(ws: Workstation) -> list[RuleSetView]:
    with ws.store.unit_of_work() as session:
        return rule_set_views(session)


def rule_set_views(session: Session) -> list[RuleSetView]:
    """The rule sets of a store or the central database, by track and date."""
    rows = session.scalars(select(DeadlineRuleSet).where(
        DeadlineRuleSet.deleted.is_(False)).order_by(DeadlineRuleSet.track,
                                                      DeadlineRuleSet.valid_from))
    names = dict(session.execute(select(Mediator.login, Mediator.name)).all())
    # A verifier the store knows by login is shown by their name (none yet: ""); one
    # recorded by name (the central administrator's --by) as written.
    return [_view(row, names.get(row.verified_by or "", row.verified_by or "")) for row in rows]


def _view(row: DeadlineRuleSet, verifier_name: str) -> RuleSetView:
    rules = tuple(RuleView(ClockKind(r["kind"]), int(r["limit"]), Unit(r["unit"]),
                           ClockStart(r["starts_at"]), bool(r.get("soft", False)),
                           str(r.get("citation", ""))) for r in row.rules)
    grounds = tuple(GroundView(kind, code, str(g.get("text", "")), str(g.get("basis", "")))
                    for kind, table in ((REJECTION, row.rejection_grounds),
                                        (TERMINATION, row.termination_grounds))
                    for code, g in (table or {}).items())
    return RuleSetView(row.code, row.name, Track(row.track), row.valid_from, row.valid_to,
                       row.confirmed, row.verified_by or "", verifier_name, row.verified_at,
                       row.version, rules, grounds)


GroundEdits = Mapping[tuple[str, str], tuple[str, str]]  # (kind, code) -> (text, basis)


def save_rule_set(ws: Workstation, code: str, *, limits: Mapping[int, int],
                  citations: Mapping[int, str], confirmed: bool,
                  grounds: GroundEdits | None = None) -> Changes:
    """New limits and citations by rule index, new wording of grounds, and the 已核实
    flag, for one rule set."""
    if ws.actor.role != UserRole.ADMIN:
        raise RuleEditRefused("not_administrator")
    sync.require_standalone(ws.store)
    check_edit(limits, citations, grounds or {})
    with ws.store.unit_of_work() as session:
        changed = edit_rule_set(session, code, limits=limits, citations=citations,
                                confirmed=confirmed, actor=ws.actor.login,
                                office_id=ws.actor.office_id, now=ws.now(),
                                grounds=grounds or {})
    if not changed:
        return Changes()
    ws.invalidate_reference()
    return Changes(reference=True)


def check_edit(limits: Mapping[int, int], citations: Mapping[int, str],
               grounds: GroundEdits | None = None) -> None:
    """The checks that need no rule set: raises RuleEditRefused naming the rule or the
    ground."""
    for index, limit in limits.items():
        if limit <= 0:
            raise RuleEditRefused("limit_not_positive", index)
    for index, text in citations.items():
        if len(text.strip()) > CITATION_MAX:
            raise RuleEditRefused("citation_too_long", index)
    for key, (text, basis) in (grounds or {}).items():
        if not text.strip():
            raise RuleEditRefused("ground_empty", ground=key)
        if len(text.strip()) > GROUND_TEXT_MAX or len(basis.strip()) > CITATION_MAX:
            raise RuleEditRefused("ground_too_long", ground=key)
        if any(h in text or h in basis for h in HEDGES):
            raise RuleEditRefused("ground_hedged", ground=key)


def edit_rule_set(session: Session, code: str, *, limits: Mapping[int, int],
                  citations: Mapping[int, str], confirmed: bool | None, actor: str,
                  office_id: uuid.UUID | None, now: datetime,
                  grounds: GroundEdits | None = None) -> bool:
    """The edit written into the rule set's row of ``session`` (a store's or the central
    database's) and audited as ``actor``, who is also the verifier when the set is
    verified now. ``confirmed`` None: as it was, unless the rules change (a set verified
    as it read before is not verified as it reads now). Returns whether it changed."""
    check_edit(limits, citations, grounds)
    row = session.scalars(select(DeadlineRuleSet).where(DeadlineRuleSet.code == code)).first()
    if row is None:
        raise RuleEditRefused("unknown")
    rules = [dict(r) for r in row.rules]
    for index, limit in limits.items():
        rules[index]["limit"] = int(limit)
    for index, text in citations.items():
        rules[index]["citation"] = text.strip()
    worded = {REJECTION: dict(row.rejection_grounds or {}),
              TERMINATION: dict(row.termination_grounds or {})}
    for (kind, ground), (text, basis) in (grounds or {}).items():
        if kind not in worded or ground not in worded[kind]:
            raise RuleEditRefused("unknown", ground=(kind, ground))
        worded[kind][ground] = {"text": text.strip(), "basis": basis.strip()}
    same_words = (worded[REJECTION] == (row.rejection_grounds or {})
                  and worded[TERMINATION] == (row.termination_grounds or {}))
    if confirmed is None:
        confirmed = row.confirmed and rules == row.rules and same_words
    try:  # the core's own checks, on the whole set as it would be loaded
        RuleSet.from_dict({"code": row.code, "name": row.name, "track": row.track,
                           "valid_from": row.valid_from.isoformat(),
                           "valid_to": row.valid_to.isoformat() if row.valid_to else None,
                           "confirmed": confirmed, "rules": rules,
                           "rejection_grounds": worded[REJECTION],
                           "termination_grounds": worded[TERMINATION]})
    except RuleSetError:
        raise RuleEditRefused("invalid") from None
    values: dict = {"rules": rules, "confirmed": confirmed,
                    "rejection_grounds": worded[REJECTION],
                    "termination_grounds": worded[TERMINATION]}
    if not confirmed:
        values.update(verified_by="", verified_at=None)
    elif not row.confirmed or rules != row.rules or not same_words:  # verified as it reads
        values.update(verified_by=actor, verified_at=now)
    changes = audit.apply_changes(row, values)
    if not changes:
        return False
    row.modified_at, row.modified_by = now, actor
    audit.record(session, actor=actor, entity=AUDIT_ENTITY, entity_id=row.id,
                 action="update", changes=changes, office_id=office_id, at=now)
    return True
