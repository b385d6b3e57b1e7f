"""A deadline from rules nobody verified says so where the queue shows it (issue 14,
item 10); a verified one does not."""

from __future__ import annotations

from datetime import date

from app.core.calendar import WorkCalendar, seed_years_from_chinesecalendar
from app.ui.formatting import due_badge, summary_deadline


def test_the_badge_of_an_unverified_rule_set_says_so(qapp):
    calendar = WorkCalendar(seed_years_from_chinesecalendar([2026]))
    today = date(2026, 5, 6)
    verified = due_badge(summary_deadline("accept_decision", date(2026, 5, 13),
                                          provisional=False, paused=False), today, calendar)
    unverified = due_badge(summary_deadline("accept_decision", date(2026, 5, 13),
                                            provisional=False, paused=False, confirmed=False),
                           today, calendar)
    assert "未核实" not in verified.text
    assert unverified.text == verified.text + "（规则未核实）"
    assert "期限规则尚未核实" in unverified.tooltip
