"""The 卷宗 as a mediator files it: the checklist (有 / 缺) with a reason box for each
missing item, files placed, 归档 refused naming what is missing without a reason, then
filed once the reason is written; the queue's 待归档 in the sidebar."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from app.core.documents import DocumentKind, DocumentState
from app.core.dossier import DossierItem
from app.core.workflow import Track
from app.services import documents
from app.services.queue import QueueView
from app.ui.documents.dossier_dialog import DossierDialog
from tests.services.test_dossier import closed_case
from tests.services.test_dossier import office as office
from tests.support.typing import type_text
from tests.ui.test_case_view import click
from tests.ui.test_documents_tab import lines, open_tab, reload


def open_dossier(qtbot, tab, doc_id) -> DossierDialog:
    tab.select(doc_id)
    with qtbot.waitSignal(tab.dossier_opened, timeout=10_000) as opened:
        click(qtbot, tab.buttons["edit"])
    dialog = opened.args[0]
    qtbot.waitUntil(lambda: dialog.checklist is not None, timeout=20_000)
    return dialog


def test_a_missing_follow_up_is_named_until_its_reason_is_written(
        qtbot, ws, runner, office, tmp_path):
    case_id = closed_case(ws, tmp_path, office, Track.PEOPLES_MEDIATION, follow_up=False)
    doc_id, _ = documents.create_draft(ws, case_id, DocumentKind.DOSSIER)
    tab = open_tab(qtbot, ws, runner, case_id)
    reload(qtbot, tab)
    tab.select(doc_id)
    assert "材料清单" in tab.detail.text()

    # 归档 straight away: refused, naming the follow-up record.
    click(qtbot, tab.buttons["finalize"])
    box = tab.current_dialog
    assert isinstance(box, QMessageBox) and "归档" in box.text()
    box.accept()
    qtbot.waitUntil(tab.error.isVisible, timeout=20_000)
    assert "还不能归档" in tab.error.text() and "回访记录" in tab.error.text()
    assert documents.get_document(ws, doc_id).state is DocumentState.DRAFT

    documents.create_draft(ws, case_id, DocumentKind.FOLLOW_UP)  # begun, not final
    dialog = open_dossier(qtbot, tab, doc_id)
    state = dialog.findChild(type(dialog.summary), "state_follow_up")
    assert state.text() == "缺"
    hint = dialog.findChild(type(dialog.summary), "contents_follow_up")
    assert hint.text() == "有草稿，定稿后才归入卷宗"
    assert dialog.findChild(type(dialog.summary), "state_agreement").text() == "有"
    assert dialog.findChild(type(dialog.summary), "state_identity").text() == "有"
    assert "回访记录" in dialog.summary.text() and "暂不能归档" in dialog.summary.text()
    reason = dialog.reasons[DossierItem.FOLLOW_UP]
    assert reason.isVisibleTo(dialog)
    assert not dialog.reasons[DossierItem.AGREEMENT].isVisibleTo(dialog)  # it is there
    type_text(reason, "当事人已迁居外地，电话无人接听")
    assert state.text() == "缺" and "可以归档" in dialog.summary.text()
    dialog.recorded.setChecked(True)
    dialog.notice_method.setEditText("当面告知")
    with qtbot.waitSignal(runner.events.changed, timeout=20_000):
        click(qtbot, dialog.ok)
    fields = documents.get_document(ws, doc_id).fields
    assert fields["missing_reasons"] == {"follow_up": "当事人已迁居外地，电话无人接听"}
    assert fields["rights_notice"]["method"] == "当面告知"
    assert fields["placement"] == {}

    reload(qtbot, tab)
    tab.select(doc_id)
    click(qtbot, tab.buttons["finalize"])
    with qtbot.waitSignal(runner.events.changed, timeout=30_000):
        tab.current_dialog.accept()
    qtbot.waitUntil(lambda: any("已定稿" in line for line in lines(tab)), timeout=10_000)
    assert documents.get_document(ws, doc_id).state is DocumentState.FINAL


def test_moving_a_file_follows_in_the_checklist(qtbot, ws, runner, office,
                                                tmp_path):
    case_id = closed_case(ws, tmp_path, office, Track.PEOPLES_MEDIATION)
    doc_id, _ = documents.create_draft(ws, case_id, DocumentKind.DOSSIER)
    tab = open_tab(qtbot, ws, runner, case_id)
    dialog = open_dossier(qtbot, tab, doc_id)
    identity = next(f for f in dialog.checklist.plan.files
                    if f.item is DossierItem.IDENTITY)
    combo = dialog.places[identity.key]
    assert dialog.findChild(type(dialog.summary), "state_identity").text() == "有"
    combo.setCurrentIndex(combo.findData("exclude"))
    assert dialog.findChild(type(dialog.summary), "state_identity").text() == "缺"
    assert "当事人身份证明" in dialog.summary.text()
    assert dialog.values()["placement"] == {identity.key: "exclude"}
    dialog.reject()


def test_the_sidebar_counts_the_cases_to_file(qtbot, window, ws, office,
                                              tmp_path):
    assert window.sidebar.count_shown(QueueView.TO_ARCHIVE) == "0"
    closed_case(ws, tmp_path, office, Track.MARKET_COMPLAINT)
    window.refresh()  # F5: made by the services directly, not through this window
    qtbot.waitUntil(lambda: window.sidebar.count_shown(QueueView.TO_ARCHIVE) == "1",
                    timeout=10_000)
    window.sidebar.select_view(QueueView.TO_ARCHIVE)
    qtbot.waitUntil(lambda: window.queue_view.model().rowCount() == 1, timeout=10_000)
