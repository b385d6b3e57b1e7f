"""Readable for older mediators (issue 16, item 7): 字号 scales the whole interface and is
kept; every text colour the program sets meets WCAG AA contrast on its background."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from app.ui import settings, text_size
from tests.ui.test_queue_window import open_window


@pytest.fixture
def base_font(qapp):
    """The application font as it was, back after the test."""
    font = qapp.font()
    yield
    qapp.setFont(font)
    qapp.setProperty("_base_point_size", None)


@pytest.mark.usefixtures("base_font")
def test_text_size_scales_the_whole_interface_now_and_at_the_next_start(qtbot, ws, seeded,
                                                                        runner):
    app = QApplication.instance()
    base = app.font().pointSizeF()
    w = open_window(qtbot, ws, runner)
    assert w.text_size_actions[text_size.TextSize.STANDARD].isChecked()
    assert [a.text() for a in w.text_size_actions.values()] == ["小", "标准", "大", "特大"]
    w.text_size_actions[text_size.TextSize.LARGER].trigger()
    assert app.font().pointSizeF() == pytest.approx(base * 1.45, abs=0.1)
    qtbot.waitUntil(lambda: w.queue_view.font().pointSizeF() == pytest.approx(
        base * 1.45, abs=0.1), timeout=5000)  # every window follows
    # A heading with a larger font of its own grows with the rest.
    qtbot.waitUntil(lambda: w.case_view.ticket_label.font().pointSizeF() == pytest.approx(
        base * 1.45 * 1.25, abs=0.1), timeout=5000)
    assert settings.TEXT_SIZE.get() == "larger"
    assert "特大" in w.statusBar().currentMessage()
    # The next start: the kept choice, from the same base (not compounded).
    assert text_size.apply(app, text_size.chosen()) == pytest.approx(base * 1.45, abs=0.1)
    assert text_size.apply(app, text_size.TextSize.STANDARD) == pytest.approx(base, abs=0.1)


@pytest.mark.usefixtures("base_font")
def test_the_empty_queues_heading_follows_a_change_of_text_size_at_once(qtbot, ws, runner):
    """Issue 16, item 9: the heading had a font of its own, left at the old 字号."""
    app = QApplication.instance()
    base = app.font().pointSizeF()
    w = open_window(qtbot, ws, runner)  # an empty store
    heading = w.queue_view.empty_state.heading
    qtbot.waitUntil(heading.isVisible, timeout=10_000)
    assert heading.font().pointSizeF() == pytest.approx(base * 1.3, abs=0.1)
    assert heading.font().bold()
    for size in (text_size.TextSize.LARGER, text_size.TextSize.SMALL):
        w.text_size_actions[size].trigger()
        points = base * text_size.FACTORS[size] * 1.3
        qtbot.waitUntil(lambda p=points: heading.font().pointSizeF() == pytest.approx(
            p, abs=0.1), timeout=5000)
        assert heading.font().bold()
        qtbot.waitUntil(lambda: heading.height() >= heading.sizeHint().height())  # not clipped


def _luminance(colour: QColor) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(x) for x in (colour.redF(), colour.greenF(), colour.blueF()))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: QColor, b: QColor) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _program_colours() -> dict[str, str]:
    """Every text colour the UI sets itself, by where it is declared."""
    from app.ui.case import action_dialog, field_editors, notes_tab
    from app.ui.queue import queue_model

    colours = {"ERROR_COLOUR": action_dialog.ERROR_COLOUR,
               "WARNING_COLOUR": field_editors.WARNING_COLOUR,
               "SOON_COLOUR": notes_tab.SOON_COLOUR,
               "SETTLED_COLOUR": notes_tab.SETTLED_COLOUR}
    for status, colour in queue_model.DUE_COLOURS.items():
        colours[f"DUE_COLOURS[{status}]"] = QColor(colour).name()
    # And every text colour written into a style sheet anywhere in the UI.
    root = Path(__file__).resolve().parents[2] / "app" / "ui"
    for path in root.rglob("*.py"):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for value in re.findall(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{6})", line):
                colours[f"{path.relative_to(root)}:{n}"] = value
    return colours


def test_every_text_colour_meets_wcag_aa_on_the_window_and_on_a_row():
    palette = QStyleFactory.create("Fusion").standardPalette()
    backgrounds = {"window": palette.color(QPalette.ColorRole.Window),
                   "base": palette.color(QPalette.ColorRole.Base),
                   "alternate row": palette.color(QPalette.ColorRole.AlternateBase)}
    low = []
    for name, value in _program_colours().items():
        for where, background in backgrounds.items():
            ratio = contrast(QColor(value), background)
            if ratio < 4.5:
                low.append(f"{name} {value} on {where}: {ratio:.2f}")
    # The palette's own text and disabled-looking hints, too.
    text = palette.color(QPalette.ColorRole.WindowText)
    assert contrast(text, backgrounds["window"]) >= 4.5
    assert low == []
