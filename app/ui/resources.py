"""The one way the UI reaches files under resources/ (fonts, icons, the guide, our .qm).

No path strings elsewhere in app/ui: ask this module. A source checkout has them in the
top-level resources/; an installed wheel carries the same folder as app/_resources
(pyproject's package-dir, packaging/README.md). Each file is looked up in both, source
tree first, so an unrelated ``resources`` folder next to an installed ``app`` (say in
site-packages) is never mistaken for ours.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

BUNDLED_CJK_FONT = "fonts/wqy-microhei.ttc"  # WenQuanYi Micro Hei, Apache-2.0
APP_ICON = "icons/mediation-desk.svg"
TRANSLATIONS = "i18n/mediation-desk_{language}.qm"  # ours, built from resources/i18n/*.ts
HELP_GUIDE = "help/guide.html"  # 帮助 → 使用说明 (app/ui/help_dialog.py)  # packaging/make_icons.py renders the PNGs and .ico

_APP_DIR = Path(__file__).resolve().parents[1]


def resource_dirs() -> tuple[Path, ...]:
    """Where resources may live, in the order they are tried."""
    return (_APP_DIR.parent / "resources", _APP_DIR / "_resources")


@cache
def resource_path(relative: str) -> Path:
    for folder in resource_dirs():
        path = folder / relative
        if path.is_file():
            return path
    looked = ", ".join(str(d) for d in resource_dirs())
    raise FileNotFoundError(f"missing resource {relative} (looked in {looked})")


def bundled_cjk_font() -> Path:
    return resource_path(BUNDLED_CJK_FONT)


def app_icon() -> Path:
    return resource_path(APP_ICON)


def help_guide() -> Path:
    return resource_path(HELP_GUIDE)


def translation(language: str) -> Path | None:
    """Our catalogue for ``language`` (zh_TW), or None where none ships: zh_CN needs
    none, the source text is Simplified Chinese."""
    try:
        return resource_path(TRANSLATIONS.format(language=language))
    except FileNotFoundError:
        return None
