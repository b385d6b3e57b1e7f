"""What every service call needs: the store, who is acting, and the clock."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from app.core.calendar import WorkCalendar
from app.core.deadlines import RuleSet
from app.core.timeutil import utcnow
from app.core.users import UserRole
from app.store.database import Store


@dataclass(frozen=True)
class Actor:
    login: str
    name: str
    mediator_id: uuid.UUID
    office_id: uuid.UUID
    role: UserRole


@dataclass
class Workstation:
    """A signed-in workstation: the services' single entry point."""

    store: Store
    actor: Actor
    now: Callable[[], datetime] = utcnow
    _calendar: WorkCalendar | None = field(default=None, repr=False)
    _rule_sets: tuple[RuleSet, ...] | None = field(default=None, repr=False)

    def invalidate_reference(self) -> None:
        """Call after the calendar or the rule sets were edited."""
        self._calendar = None
        self._rule_sets = None
