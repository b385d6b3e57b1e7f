"""The hot-words index of a store from before it is caught up in the background once the
window is open, and again after a sync brings cases."""

from __future__ import annotations

import sqlite3

from app.services import hot_words
from app.ui.main_window import MainWindow


def test_an_upgraded_stores_index_is_caught_up_after_the_window_opens(qtbot, ws, seeded,
                                                                       runner):
    con = sqlite3.connect(ws.store.path)  # as a store upgraded from before the index has it
    con.execute("DELETE FROM case_words")
    con.execute("DELETE FROM case_word_docs")
    con.commit()
    con.close()
    assert not hot_words.index_state(ws.store).complete
    w = MainWindow(ws, runner, store_path=ws.store.path, remember=False)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.settled, timeout=10_000):
        w.show()
    qtbot.waitUntil(lambda: w.hot_words_index.is_current, timeout=10_000)
    state = hot_words.index_state(ws.store)
    assert state.complete and state.indexed > 0
    # after a sync (data arrived) it looks again, and finds nothing to do
    with qtbot.waitSignal(w.hot_words_index.current, timeout=10_000):
        w._on_data_arrived()
    qtbot.waitUntil(lambda: not w.loading, timeout=10_000)


def test_a_write_of_many_cases_at_once_is_caught_up_after_it(qtbot, window, ws):
    from app.services.dto import Changes

    qtbot.waitUntil(lambda: window.hot_words_index.is_current, timeout=10_000)
    con = sqlite3.connect(ws.store.path)  # as a bulk import that left the words behind
    con.execute("DELETE FROM case_words")
    con.execute("DELETE FROM case_word_docs")
    con.commit()
    con.close()
    with qtbot.waitSignal(window.hot_words_index.current, timeout=10_000):
        window.runner.events.publish(Changes(queue=True))
    assert hot_words.index_state(ws.store).complete
    qtbot.waitUntil(lambda: not window.loading, timeout=10_000)
