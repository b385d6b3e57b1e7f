"""下一期限 in the queue says which deadline it is and counts in the deadline's own unit
(issue 16, item 9)."""

from __future__ import annotations

from datetime import date

import pytest

from app.core.calendar import WorkCalendar, seed_years_from_chinesecalendar
from app.ui.formatting import due_badge, summary_deadline

TODAY = date(2026, 5, 6)  # the first working day after 劳动节 (05-01..05; 05-09 is worked)


@pytest.fixture
def calendar() -> WorkCalendar:
    return WorkCalendar(seed_years_from_chinesecalendar([2026]))


@pytest.mark.parametrize("kind, due, text", [
    ("accept_decision", date(2026, 5, 13), "受理：剩 6 个工作日"),
    ("mediation", date(2026, 5, 4), "调解：已超期 1 个工作日"),
    ("termination_notice", TODAY, "告知：今日到期"),
    # Counted in calendar days by law: days both before and after the due date.
    ("judicial_confirmation", date(2026, 5, 13), "司法确认：剩 7 天"),
    ("judicial_confirmation", date(2026, 5, 4), "司法确认：已超期 2 天"),
])
def test_the_queue_badge_names_the_deadline_and_counts_in_its_unit(calendar, qapp, kind,
                                                                   due, text):
    badge = due_badge(summary_deadline(kind, due, provisional=False, paused=False), TODAY,
                      calendar, named=True)
    assert badge.text == text


def test_beside_its_own_label_the_badge_is_not_named_again(calendar, qapp):
    badge = due_badge(summary_deadline("accept_decision", date(2026, 5, 13),
                                       provisional=False, paused=False), TODAY, calendar)
    assert badge.text == "剩 6 个工作日"
