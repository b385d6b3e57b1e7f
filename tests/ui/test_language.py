"""界面语言 (issue 16, item 4): the interface's Chinese by the 界面语言 setting, else the
system's locale, else Simplified; Qt's own words (standard buttons, a line edit's
context menu) and ours follow it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit, QMenu

from app.ui import language, resources, settings, text_size
from app.ui.language import Language, SystemLocale, resolve
from tests.ui.test_queue_window import open_window

ENGLISH = SystemLocale("en", "Latn", "US")
BOTH = (Language.SIMPLIFIED, Language.TRADITIONAL)


@pytest.mark.parametrize(("choice", "system", "expected"), [
    (Language.SYSTEM, SystemLocale("zh", "Hans", "CN"), Language.SIMPLIFIED),
    (Language.SYSTEM, SystemLocale("zh", "Hant", "TW"), Language.TRADITIONAL),
    (Language.SYSTEM, SystemLocale("zh", "Hant", "HK"), Language.TRADITIONAL),
    (Language.SYSTEM, SystemLocale("zh", "", "MO"), Language.TRADITIONAL),
    (Language.SYSTEM, SystemLocale("zh", "Hans", "SG"), Language.SIMPLIFIED),
    (Language.SYSTEM, SystemLocale("zh", "", ""), Language.SIMPLIFIED),
    # Not Chinese: still Simplified, since the program's own text is Chinese only.
    (Language.SYSTEM, ENGLISH, Language.SIMPLIFIED),
    (Language.SYSTEM, SystemLocale("C"), Language.SIMPLIFIED),
    (Language.SYSTEM, SystemLocale("en", "Latn", "HK"), Language.SIMPLIFIED),
    # The setting wins over the system.
    (Language.SIMPLIFIED, SystemLocale("zh", "Hant", "TW"), Language.SIMPLIFIED),
    (Language.TRADITIONAL, ENGLISH, Language.TRADITIONAL),
])
def test_the_language_is_the_setting_else_the_systems_chinese(choice, system, expected):
    assert resolve(choice, system, BOTH) is expected


def test_a_language_qt_has_no_words_for_falls_back_to_simplified():
    only = (Language.SIMPLIFIED,)
    assert resolve(Language.TRADITIONAL, ENGLISH, only) is Language.SIMPLIFIED
    assert resolve(Language.SYSTEM, SystemLocale("zh", "Hant", "TW"), only) \
        is Language.SIMPLIFIED


@pytest.fixture
def installs(qapp):
    """Whatever a test installs is taken out after it (the default locale too)."""
    yield
    language.remove(qapp)


def _standard_words(qtbot) -> tuple[list[str], list[str]]:
    """What a new dialog's OK/Cancel and a line edit's context menu say now."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel
                               | QDialogButtonBox.StandardButton.Close)
    qtbot.addWidget(buttons)
    edit = QLineEdit("某某")
    qtbot.addWidget(edit)
    menu: QMenu = edit.createStandardContextMenu()
    words = [a.text().split("\t")[0] for a in menu.actions() if not a.isSeparator()]
    menu.deleteLater()
    return [b.text() for b in buttons.buttons()], words


@pytest.mark.usefixtures("installs")
def test_simplified_chosen_on_an_english_system_gives_qts_words_in_chinese(qtbot, qapp):
    settings.LANGUAGE.set(Language.SIMPLIFIED.value)
    assert language.install(qapp, system=ENGLISH) is Language.SIMPLIFIED
    buttons, menu = _standard_words(qtbot)
    assert sorted(buttons) == sorted(["确定", "取消", "关闭"])
    assert "复制(&C)" in menu and "粘贴(&P)" in menu and "全选" in menu
    assert not [w for w in buttons + menu if w.isascii()]
    # A calendar's names too: the default locale is Chinese whatever the system's.
    assert QLocale().dayName(1, QLocale.FormatType.ShortFormat) == "周一"


@pytest.mark.usefixtures("installs")
def test_following_an_english_system_is_simplified_and_a_taiwanese_one_traditional(
        qtbot, qapp):
    assert language.chosen() is Language.SYSTEM  # the default
    assert language.install(qapp, system=ENGLISH) is Language.SIMPLIFIED
    assert "确定" in _standard_words(qtbot)[0]
    if Language.TRADITIONAL not in language.available():
        pytest.skip("this Qt has no qtbase_zh_TW.qm")
    assert language.install(qapp, system=SystemLocale("zh", "Hant", "TW")) \
        is Language.TRADITIONAL
    buttons, menu = _standard_words(qtbot)
    assert "確定" in buttons and "關閉" in buttons
    assert "複製(&C)" in menu
    assert QLocale().dayName(1, QLocale.FormatType.ShortFormat) == "週一"


@pytest.mark.usefixtures("installs")
def test_our_own_catalogue_is_loaded_where_one_ships(qtbot, qapp, tmp_path, monkeypatch):
    """No catalogue ships for zh_CN (the source text is Simplified); one for zh_TW is
    taken from resources/i18n when it is there."""
    lrelease = shutil.which("pyside6-lrelease") or str(Path(sys.executable).parent
                                                        / "pyside6-lrelease")
    if not Path(lrelease).exists():
        pytest.skip("pyside6-lrelease is not installed")
    if Language.TRADITIONAL not in language.available():
        pytest.skip("this Qt has no qtbase_zh_TW.qm")
    assert resources.translation("zh_CN") is None
    source = tmp_path / "mediation-desk_zh_TW.ts"
    source.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n'
        '<TS version="2.1" language="zh_TW"><context><name>TextSize</name>'
        '<message><source>标准</source><translation>標準</translation></message>'
        '</context></TS>\n', encoding="utf-8")
    compiled = tmp_path / "mediation-desk_zh_TW.qm"
    subprocess.run([lrelease, str(source), "-qm", str(compiled)], check=True,
                   capture_output=True)
    monkeypatch.setattr(resources, "translation",
                        lambda code: compiled if code == "zh_TW" else None)
    language.install(qapp, Language.TRADITIONAL)
    assert text_size.label(text_size.TextSize.STANDARD) == "標準"
    language.install(qapp, Language.SIMPLIFIED)
    assert text_size.label(text_size.TextSize.STANDARD) == "标准"


def test_the_settings_menu_offers_the_language_beside_text_size_and_says_restart(
        qtbot, ws, seeded, runner):
    w = open_window(qtbot, ws, runner)
    settings_menu = next(a.menu() for a in w.menuBar().actions() if a.text() == "设置(&T)")
    titles = [a.text() for a in settings_menu.actions()]
    assert titles.index("界面语言(&G)") == titles.index("字号(&Z)") + 1
    actions = w.language_actions
    assert actions[Language.SYSTEM].isChecked()
    assert actions[Language.SYSTEM].text().startswith("跟随系统（")
    assert actions[Language.SIMPLIFIED].text() == "简体中文"
    if Language.TRADITIONAL in language.available():
        assert actions[Language.TRADITIONAL].text() == "繁體中文"
    menu = w.findChild(QMenu, "languageMenu")
    note = next(a for a in menu.actions() if a.objectName() == "languageRestartNote")
    assert "重新启动" in note.text() and not note.isEnabled()
    actions[Language.SIMPLIFIED].trigger()
    assert settings.LANGUAGE.get() == "zh_CN"
    assert language.chosen() is Language.SIMPLIFIED
    assert "简体中文" in w.statusBar().currentMessage()
    assert "重新启动" in w.statusBar().currentMessage()
