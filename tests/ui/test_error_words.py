"""Every error that is the user's to know about has words, found by its type."""

from __future__ import annotations

import importlib
import pkgutil

import app
from app.core.errors import UserFacingError
from app.ui import messages
from app.ui.tasks import TaskCancelled, is_expected


def _all_subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_all_subclasses(sub)}
    return found


def test_every_user_facing_error_has_words_and_is_expected():
    for info in pkgutil.walk_packages(app.__path__, "app."):
        if not info.name.startswith(("app.main", "app.cli")):
            importlib.import_module(info.name)
    importlib.import_module("app.ui.main_window")  # every texts module registers words

    errors = {e for e in _all_subclasses(UserFacingError) if e.__module__.startswith("app.")}
    assert len(errors) > 15
    unexplained = sorted(e.__qualname__ for e in errors
                         if messages.error_text.dispatch(e) is messages.error_text.dispatch(object))
    assert unexplained == []
    assert all(is_expected(e.__new__(e)) for e in errors)
    assert is_expected(TaskCancelled()) and not is_expected(RuntimeError("bug"))


def test_every_field_and_clock_problem_has_words(qapp):
    from app.services.errors import ClockProblem, FieldProblem

    for problem in FieldProblem:
        words = messages.field_problem_text(problem)
        assert words != problem.value and any("\u4e00" <= c <= "\u9fff" for c in words)
    for problem in ClockProblem:
        words = messages.clock_problem_text(problem)
        assert words != problem.value and any("\u4e00" <= c <= "\u9fff" for c in words)
