from __future__ import annotations

import pytest

from app.core.calendar import WorkCalendar, seed_years_from_chinesecalendar


@pytest.fixture(scope="session")
def official_calendar() -> WorkCalendar:
    """The calendar as shipped: every year chinesecalendar covers (2004–2026 today)."""
    return WorkCalendar(seed_years_from_chinesecalendar())
