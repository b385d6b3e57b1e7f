"""A mediation session record (调解记录) as the editor holds it: modes, results, who took
part, what each side said, and the running timer. Plain data, JSON both ways, so a
draft can be saved as the mediator types and read back exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any

# Limits that keep a record printable and a draft small; generous for real use.
MAX_TEXT = 20_000
MAX_PLACE = 255
MAX_PARTICIPANTS = 30


class SessionMode(StrEnum):
    # Stored as the Chinese word (as the demo data and the earliest stores hold them).
    PHONE = "电话"
    VIDEO = "视频"
    WECHAT = "微信"
    ON_SITE = "现场"
    AT_HOME = "居家"  # the mediator works from home (居家调解)
    HOME_VISIT = "上门"


class SessionResult(StrEnum):
    AGREED = "agreed"
    PARTIAL = "partial"
    NONE = "none"
    NEXT_STEP = "next_step"


class TextField(StrEnum):
    """The free-text parts of the record (where templates and phrases go)."""

    STATEMENT = "statement"  # what one party said
    EVIDENCE = "evidence"
    PROPOSALS = "proposals"
    RESPONSES = "responses"
    NEXT_STEP = "next_step"


class SessionProblem(StrEnum):
    REQUIRED = "required"
    TOO_LONG = "too_long"
    INVALID_CHOICE = "invalid_choice"
    INVALID_DATE = "invalid_date"
    TOO_MANY = "too_many"


@dataclass(frozen=True)
class Participant:
    name: str
    role: str = ""  # applicant|respondent|agent|... for parties; free text for others
    party_id: str | None = None  # hex id of the case's party, None for others

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "role": self.role, "party_id": self.party_id}


@dataclass(frozen=True)
class Statement:
    name: str
    text: str

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "text": self.text}


@dataclass(frozen=True)
class Timer:
    """Seconds counted before the current run, and when the current run began (None
    while paused). A run survives a crash: the call went on while the app was down."""

    elapsed: int = 0
    running_since: datetime | None = None

    def seconds(self, now: datetime) -> int:
        extra = 0
        if self.running_since is not None:
            extra = max(0, int((now - self.running_since).total_seconds()))
        return self.elapsed + extra

    def paused(self, now: datetime) -> Timer:
        return Timer(self.seconds(now), None)

    def resumed(self, now: datetime) -> Timer:
        return self if self.running_since is not None else Timer(self.elapsed, now)


@dataclass(frozen=True)
class SessionContent:
    mode: str = SessionMode.PHONE.value
    started_at: datetime | None = None
    place: str = ""
    participants: tuple[Participant, ...] = ()
    statements: tuple[Statement, ...] = ()
    evidence: str = ""
    proposals: str = ""
    responses: str = ""
    result: str = ""
    next_step: str = ""
    next_step_on: date | None = None
    timer: Timer = field(default_factory=Timer)

    def statement_of(self, name: str) -> str:
        for s in self.statements:
            if s.name == name:
                return s.text
        return ""

    def with_statement(self, name: str, text: str) -> SessionContent:
        others = [s for s in self.statements if s.name != name]
        found = [s for s in self.statements if s.name == name]
        if found:
            kept = [Statement(name, text) if s.name == name else s for s in self.statements]
            return replace(self, statements=tuple(kept))
        return replace(self, statements=(*others, Statement(name, text)))

    def spoken(self) -> tuple[Statement, ...]:
        """Statements of the people taking part (text kept for others is not lost from
        a draft, only left out of the record)."""
        names = {p.name for p in self.participants}
        return tuple(s for s in self.statements if s.name in names and s.text.strip())

    def to_json(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "place": self.place,
            "participants": [p.to_json() for p in self.participants],
            "statements": [s.to_json() for s in self.statements],
            "evidence": self.evidence,
            "proposals": self.proposals,
            "responses": self.responses,
            "result": self.result,
            "next_step": self.next_step,
            "next_step_on": self.next_step_on.isoformat() if self.next_step_on else None,
            "timer": {"elapsed": self.timer.elapsed,
                      "running_since": (self.timer.running_since.isoformat()
                                        if self.timer.running_since else None)},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SessionContent:
        timer = data.get("timer") or {}
        return cls(
            mode=str(data.get("mode") or SessionMode.PHONE.value),
            started_at=_datetime(data.get("started_at")),
            place=str(data.get("place") or ""),
            participants=participants_from_json(data.get("participants")),
            statements=statements_from_json(data.get("statements")),
            evidence=str(data.get("evidence") or ""),
            proposals=str(data.get("proposals") or ""),
            responses=str(data.get("responses") or ""),
            result=str(data.get("result") or ""),
            next_step=str(data.get("next_step") or ""),
            next_step_on=_date(data.get("next_step_on")),
            timer=Timer(int(timer.get("elapsed") or 0), _datetime(timer.get("running_since"))),
        )


def participants_from_json(raw: Any) -> tuple[Participant, ...]:
    """Accepts the current shape and the earliest one (a list of plain names)."""
    result = []
    for item in raw or ():
        if isinstance(item, str):
            result.append(Participant(item))
        elif isinstance(item, dict) and item.get("name"):
            party = item.get("party_id")
            result.append(Participant(str(item["name"]), str(item.get("role") or ""),
                                      str(party) if party else None))
    return tuple(result)


def statements_from_json(raw: Any) -> tuple[Statement, ...]:
    """Accepts the current shape and the earliest one ({name: text})."""
    if isinstance(raw, dict):
        return tuple(Statement(str(k), str(v)) for k, v in raw.items())
    return tuple(Statement(str(s["name"]), str(s.get("text") or ""))
                 for s in raw or () if isinstance(s, dict) and s.get("name"))


def problems_for_finish(content: SessionContent, *, today: date) -> dict[str, SessionProblem]:
    """What must be right before a record is finished (and can no longer change)."""
    problems: dict[str, SessionProblem] = {}
    if content.mode not in {m.value for m in SessionMode}:
        problems["mode"] = SessionProblem.INVALID_CHOICE
    if not content.participants:
        problems["participants"] = SessionProblem.REQUIRED
    elif len(content.participants) > MAX_PARTICIPANTS:
        problems["participants"] = SessionProblem.TOO_MANY
    if not content.result:
        problems["result"] = SessionProblem.REQUIRED
    elif content.result not in {r.value for r in SessionResult}:
        problems["result"] = SessionProblem.INVALID_CHOICE
    if content.result == SessionResult.NEXT_STEP:
        if content.next_step_on is None:
            problems["next_step_on"] = SessionProblem.REQUIRED
        elif content.next_step_on < today:
            problems["next_step_on"] = SessionProblem.INVALID_DATE
    if not (content.spoken() or content.proposals.strip() or content.responses.strip()):
        problems["statements"] = SessionProblem.REQUIRED
    if len(content.place) > MAX_PLACE:
        problems["place"] = SessionProblem.TOO_LONG
    texts = {"evidence": content.evidence, "proposals": content.proposals,
             "responses": content.responses, "next_step": content.next_step}
    texts.update({f"statement:{s.name}": s.text for s in content.statements})
    for name, text in texts.items():
        if len(text) > MAX_TEXT:
            problems[name] = SessionProblem.TOO_LONG
    return problems


def _datetime(raw: Any) -> datetime | None:
    if not raw:
        return None
    return raw if isinstance(raw, datetime) else datetime.fromisoformat(str(raw))


def _date(raw: Any) -> date | None:
    if not raw:
        return None
    return raw if isinstance(raw, date) else date.fromisoformat(str(raw))
