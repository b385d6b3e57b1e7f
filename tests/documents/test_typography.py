"""The Chinese date and numerals, amounts, the font chain and the glyph splitter."""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from app.core.errors import AmountErrorCode
from app.documents import fonts as fonts_module
from app.documents.errors import BadAmount, MissingGlyphs, NoFont
from app.documents.fonts import (
    Font,
    FontSet,
    default_fonts,
    find_fonts,
    missing_glyphs,
    split_by_font,
)
from app.documents.typography import (
    amount_text,
    chinese_date,
    chinese_numeral,
    verification_payload,
)

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "resources" / "fonts" / "wqy-microhei.ttc"
NO_FONT_HAS = "\U0010fffd"  # plane-16 private use: in no font


@pytest.mark.parametrize(("day", "text"), [
    (date(2026, 11, 22), "二〇二六年十一月二十二日"),
    (date(2026, 1, 1), "二〇二六年一月一日"),
    (date(2030, 10, 31), "二〇三〇年十月三十一日"),
    (date(2000, 12, 10), "二〇〇〇年十二月十日"),
    (date(2019, 2, 20), "二〇一九年二月二十日"),
])
def test_chinese_date(day, text):
    assert chinese_date(day) == text


def test_no_date_is_a_blank_to_fill_by_hand():
    blank = chinese_date(None)
    assert [c for c in blank if not c.isspace()] == ["年", "月", "日"]


@pytest.mark.parametrize(("n", "text"), [
    (1, "一"), (3, "三"), (10, "十"), (11, "十一"), (13, "十三"), (20, "二十"),
    (22, "二十二"), (100, "一百"), (101, "一百零一"), (110, "一百一十"),
    (1010, "一千零一十"), (10000, "一万"),
])
def test_chinese_numeral(n, text):
    assert chinese_numeral(n) == text


def test_amount_in_figures_and_capitals():
    assert amount_text(Decimal("3200")) == "人民币3,200.00元（大写：人民币叁仟贰佰元整）"
    huge = amount_text(Decimal("999999999999.99"))
    assert "999,999,999,999.99" in huge and "玖仟玖佰玖拾玖亿" in huge and huge.endswith("玖分）")


@pytest.mark.parametrize(("amount", "reason"), [
    (Decimal("-1"), AmountErrorCode.NEGATIVE),
    (Decimal("1000000000000"), AmountErrorCode.TOO_LARGE),
    (Decimal("1.005"), AmountErrorCode.TOO_MANY_DECIMALS),
])
def test_an_amount_that_cannot_print_right_is_refused(amount, reason):
    with pytest.raises(BadAmount) as caught:
        amount_text(amount)
    assert caught.value.reason == reason


def test_verification_payload():
    assert verification_payload("（2026）浦消调字第0123号", "ab" * 32) == \
        "MDV1|（2026）浦消调字第0123号|" + "ab" * 32


def test_the_main_font_draws_the_document_words():
    main = default_fonts().main
    assert all(main.has(c) for c in "人民调解协议书二〇二六年十一月二十二日叁仟贰佰元整")


def test_text_is_split_by_font_where_the_main_font_lacks_a_glyph():
    fs = default_fonts()
    fallback = fs.font_for("𠮷")
    if fallback is None:
        pytest.skip("no font with 𠮷 here (install fonts-hanazono or fonts-lxgw-wenkai)")
    assert not fs.main.has("𠮷")
    assert split_by_font("吉𠮷祥 平安") == [
        (fs.main.name, "吉"), (fallback.name, "𠮷"), (fs.main.name, "祥 平安")]


def test_missing_glyphs_and_the_splitter_refuse_what_no_font_has():
    assert missing_glyphs("中文abc") == set()
    assert missing_glyphs(f"中{NO_FONT_HAS}文") == {NO_FONT_HAS}
    with pytest.raises(MissingGlyphs) as caught:
        split_by_font(f"a{NO_FONT_HAS}")
    assert caught.value.chars == (NO_FONT_HAS,)


def test_markup_escapes_the_mediators_text_and_drops_invisible_characters():
    fs = default_fonts()
    missing: set[str] = set()
    assert fs.markup('<b>加粗</b> & <font name="x">', missing) == \
        '&lt;b&gt;加粗&lt;/b&gt; &amp; &lt;font name="x"&gt;'
    assert fs.markup("甲\u200b乙\ufe0f\x07丙\n丁", missing) == "甲乙丙<br/>丁"
    assert missing == set()


def test_a_font_set_without_fallbacks_reports_emoji_and_rare_characters():
    fs = FontSet(Font(BUNDLED, 0), [])  # WenQuanYi alone: no 𠮷, no emoji
    assert fs.missing("李𠮷🙂") == {"𠮷", "🙂"}


def test_a_font_folder_given_comes_first(tmp_path, monkeypatch):
    (tmp_path / "mine.ttc").symlink_to(BUNDLED)
    assert find_fonts(tmp_path).main.path == tmp_path / "mine.ttc"
    monkeypatch.setenv(fonts_module.ENV_FONT_DIR, os.fspath(tmp_path))
    assert find_fonts().main.path == tmp_path / "mine.ttc"


def test_no_cjk_font_anywhere_is_a_typed_error(tmp_path, monkeypatch):
    monkeypatch.setattr(fonts_module, "_bundled_dir", lambda: tmp_path)
    monkeypatch.delenv(fonts_module.ENV_FONT_DIR, raising=False)
    with pytest.raises(NoFont):
        find_fonts(tmp_path, system=False)


def test_a_font_reportlab_cannot_embed_is_no_candidate(tmp_path):
    broken = tmp_path / "broken.ttf"
    broken.write_bytes(b"not a font")
    assert Font(broken, 0).codepoints == frozenset()


def test_font_coverage_is_what_fonttools_reads_from_the_cmap():
    """The coverage read from the cmap's bytes (formats 12 and 4) is fontTools' best cmap,
    for every face of every font this machine has (bundled WenQuanYi at least)."""
    from fontTools.ttLib import TTFont

    faces = []
    for folder in [*fonts_module._system_dirs(), fonts_module._bundled_dir()]:
        for path in fonts_module._font_files(folder).values():
            first = TTFont(str(path), fontNumber=0, lazy=True)
            faces += [(path, i) for i in range(getattr(first.reader, "numFonts", 1) or 1)]
    assert faces
    for path, index in faces:
        font = TTFont(str(path), fontNumber=index, lazy=True)
        expected = frozenset(c for c, g in (font.getBestCmap() or {}).items() if g != ".notdef")
        read = fonts_module._cmap_codepoints(font.reader["cmap"])
        assert read is None or read == expected, (path, index)
