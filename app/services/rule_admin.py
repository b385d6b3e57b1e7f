"""Rule sets as an administrator keeps them (设置 → 期限规则): each clock's limit and the
legal basis it cites, and the rule set's 已核实 flag with who verified it and when.

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


class RuleEditRefused(UserFacingError):
    """Nothing was saved. ``rule``: the index of the clock that is wrong (None: the set);
    ``problem``: not_administrator, limit_not_positive, citation_too_long, unknown, invalid."""

    def __init__(self, problem: str, rule: int | None = None) -> None:
        super().__init__(f"{problem} (rule {rule})")
        self.problem = problem
        self.rule = rule


@dataclass(frozen=True)
class RuleView:
    kind: ClockKind
    limit: int
    unit: Unit
    starts_at: ClockStart
    soft: bool
    citation: str


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
    return RuleSetView(row.code, row.name, Track(row.track), row.valid_from, row.valid_to,
                       row.confirmed, row.verified_by or "", verifier_name, row.verified_at,
                       row.version, rules)


def save_rule_set(ws: Workstation, code: str, *, limits: Mapping[int, int],
                  citations: Mapping[int, str], confirmed: bool) -> Changes:
    """New limits and citations by rule index, and the 已核实 flag, for one rule set."""
    if ws.actor.role != UserRole.ADMIN:
        raise RuleEditRefused("not_administrator")
    sync.require_standalone(ws.store)
    check_edit(limits, citations)
    with ws.store.unit_of_work() as session:
        changed = edit_rule_set(session, code, limits=limits, citations=citations,
                                confirmed=confirmed, actor=ws.actor.login,
                                office_id=ws.actor.office_id, now=ws.now())
    if not changed:
        return Changes()
    ws.invalidate_reference()
    return Changes(reference=True)


def check_edit(limits: Mapping[int, int], citations: Mapping[int, str]) -> None:
    """The checks that need no rule set: raises RuleEditRefused naming the rule."""
    for index, limit in limits.items():
        if limit <= 0:
            raise RuleEditRefused("limit_not_positive", index)
    for index, text in citations.items():
        if len(text.strip()) > CITATION_MAX:
            raise RuleEditRefused("citation_too_long", index)


def edit_rule_set(session: Session, code: str, *, limits: Mapping[int, int],
                  citations: Mapping[int, str], confirmed: bool | None, actor: str,
                  office_id: uuid.UUID | None, now: datetime) -> bool:
    """The edit written into the rule set's row of ``session`` (a store's or the central
    database's) and audited as ``actor``, who is also the verifier when the set is
    verified now. ``confirmed`` None: as it was, unless the rules change (a set verified
    as it read before is not verified as it reads now). Returns whether it changed."""
    check_edit(limits, citations)
    row = session.scalars(select(DeadlineRuleSet).where(DeadlineRuleSet.code == code)).first()
    if row is None:
        raise RuleEditRefused("unknown")
    rules = [dict(r) for r in row.rules]
    for index, limit in limits.items():
        rules[index]["limit"] = int(limit)
    for index, text in citations.items():
        rules[index]["citation"] = text.strip()
    if confirmed is None:
        confirmed = row.confirmed and rules == row.rules
    try:  # the core's own checks, on the whole set as it would be loaded
        RuleSet.from_dict({"code": row.code, "name": row.name, "track": row.track,
                           "valid_from": row.valid_from.isoformat(),
                           "valid_to": row.valid_to.isoformat() if row.valid_to else None,
                           "confirmed": confirmed, "rules": rules})
    except RuleSetError:
        raise RuleEditRefused("invalid") from None
    values: dict = {"rules": rules, "confirmed": confirmed}
    if not confirmed:
        values.update(verified_by="", verified_at=None)
    elif not row.confirmed or rules != row.rules:  # verified now, as it reads now
        values.update(verified_by=actor, verified_at=now)
    changes = audit.apply_changes(row, values)
    if not changes:
        return False
    row.modified_at, row.modified_by = now, actor
    audit.record(session, actor=actor, entity=AUDIT_ENTITY, entity_id=row.id,
                 action="update", changes=changes, office_id=office_id, at=now)
    return True
