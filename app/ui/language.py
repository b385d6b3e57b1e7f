"""界面语言 (issue 16, item 4): which Chinese the interface speaks, and Qt's own words in it.

The program's own text is written in Simplified Chinese (the source strings are zh_CN),
so Simplified needs no catalogue of ours; Traditional takes ours where one ships
(resources/i18n/mediation-desk_zh_TW.qm). Qt's own words — standard buttons, a line
edit's context menu, the print and file dialogs — come from the qtbase catalogues
PySide6 ships. The choice is kept per user (settings.LANGUAGE); 跟随系统 reads the
system's locale. It takes effect at the next start: our own text is not retranslated
in windows already open.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QLibraryInfo,
    QLocale,
    QTranslator,
)

from app.ui import resources, settings

log = logging.getLogger(__name__)


class Language(StrEnum):
    SYSTEM = "system"  # 跟随系统
    SIMPLIFIED = "zh_CN"
    TRADITIONAL = "zh_TW"


# A language's name is written in that language (繁體中文 stays 繁體中文 in any interface).
LABELS = {Language.SYSTEM: QT_TRANSLATE_NOOP("Language", "跟随系统"),
          Language.SIMPLIFIED: "简体中文",
          Language.TRADITIONAL: "繁體中文"}
_QT_CATALOGUE = "qtbase"
_TRADITIONAL_TERRITORIES = frozenset({"TW", "HK", "MO"})
_INSTALLED = "_mediation_desk_translators"  # the application's property: ours, to remove
_PREVIOUS_LOCALE = "_mediation_desk_previous_locale"


@dataclass(frozen=True)
class SystemLocale:
    """The parts of the system's locale the choice needs, as ISO codes."""

    language: str  # "zh", "en", …
    script: str = ""  # "Hans", "Hant", or "" when the locale names none
    territory: str = ""  # "CN", "TW", "HK", …


def resolve(choice: Language, system: SystemLocale,
            available: Iterable[Language] = (Language.SIMPLIFIED, Language.TRADITIONAL)
            ) -> Language:
    """The language the interface speaks: the user's choice, else the system's Chinese.
    A system in any other language gets Simplified Chinese: the program's own text is
    Chinese only, and Qt's words in English beside it would be a mixture. A language
    whose Qt catalogue is missing falls back to Simplified."""
    offered = set(available)
    language = choice
    if language is Language.SYSTEM:
        traditional = system.language == "zh" and (
            system.script == "Hant"
            or (not system.script and system.territory in _TRADITIONAL_TERRITORIES))
        language = Language.TRADITIONAL if traditional else Language.SIMPLIFIED
    return language if language in offered else Language.SIMPLIFIED


# ------------------------------------------------------------------ where things are


def system_locale(locale: QLocale | None = None) -> SystemLocale:
    locale = QLocale.system() if locale is None else locale
    script = locale.script()
    return SystemLocale(
        language=QLocale.languageToCode(locale.language()),
        script="" if script == QLocale.Script.AnyScript else QLocale.scriptToCode(script),
        territory=QLocale.territoryToCode(locale.territory()))


def qt_folder() -> Path:
    return Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))


def qt_catalogue(language: Language) -> Path:
    return qt_folder() / f"{_QT_CATALOGUE}_{language.value}.qm"


def available() -> tuple[Language, ...]:
    """The languages Qt has its own words for here (Simplified always: it is ours)."""
    return tuple(lang for lang in (Language.SIMPLIFIED, Language.TRADITIONAL)
                 if lang is Language.SIMPLIFIED or qt_catalogue(lang).is_file())


def label(language: Language) -> str:
    return QCoreApplication.translate("Language", LABELS[language])


def chosen() -> Language:
    try:
        return Language(settings.LANGUAGE.get())
    except ValueError:
        return Language.SYSTEM


def choose(language: Language) -> None:
    """The user's choice, kept for the next start."""
    settings.LANGUAGE.set(language.value)


def locale_of(language: Language) -> QLocale:
    if language is Language.TRADITIONAL:
        return QLocale(QLocale.Language.Chinese, QLocale.Script.TraditionalHanScript,
                       QLocale.Country.Taiwan)
    return QLocale(QLocale.Language.Chinese, QLocale.Script.SimplifiedHanScript,
                   QLocale.Country.China)


# ------------------------------------------------------------------ installing


def install(app: QCoreApplication, choice: Language | None = None,
            system: SystemLocale | None = None) -> Language:
    """Put the interface's language in: Qt's catalogue for it, ours where one ships, and
    the default locale (a calendar's month and day names). Replaces what an earlier
    call installed. Returns the language in use."""
    remove(app)
    language = resolve(chosen() if choice is None else choice,
                       system_locale() if system is None else system, available())
    translators = []
    qt = QTranslator()
    if qt.load(str(qt_catalogue(language))):
        translators.append(qt)
    else:
        log.warning("Qt's translations for %s were not found in %s", language.value,
                    qt_folder())
    ours_path = resources.translation(language.value)
    if ours_path is not None:
        ours = QTranslator()
        if ours.load(str(ours_path)):
            translators.append(ours)
        else:
            log.warning("the translations in %s could not be read", ours_path)
    for translator in translators:
        app.installTranslator(translator)
    setattr(app, _INSTALLED, translators)  # kept alive with the application
    setattr(app, _PREVIOUS_LOCALE, QLocale())
    QLocale.setDefault(locale_of(language))
    return language


def installed(app: QCoreApplication) -> bool:
    """Whether Qt's own words are in (a catalogue was found and loaded)."""
    return bool(getattr(app, _INSTALLED, None))


def remove(app: QCoreApplication) -> None:
    """Take out what ``install`` put in (tests; a second install)."""
    for translator in getattr(app, _INSTALLED, None) or ():
        app.removeTranslator(translator)
    setattr(app, _INSTALLED, None)
    previous = getattr(app, _PREVIOUS_LOCALE, None)
    if previous is not None:
        QLocale.setDefault(previous)
        setattr(app, _PREVIOUS_LOCALE, None)
