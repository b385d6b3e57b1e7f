"""The builders, read back: text round-trips, fonts embedded as subsets, number and
verification on a final, 草稿 on a draft, footers, unsplit signature blocks, bad input."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from app.core.errors import AmountErrorCode
from app.documents.agreement import build_agreement
from app.documents.data import AgreementData, Header, Signatory
from app.documents.errors import BadAmount, MissingGlyphs
from app.documents.fonts import Font, FontSet, default_fonts
from app.documents.notices import build_notice
from app.documents.session_record import build_session_record
from tests.documents import samples
from tests.documents.pdfcheck import (
    SUBSET,
    base_names,
    embedded,
    fonts,
    pages,
    pdffonts,
    squeeze,
)

BUNDLED = Path(__file__).resolve().parents[2] / "resources" / "fonts" / "wqy-microhei.ttc"


def render(build, data, **kw) -> bytes:
    out = io.BytesIO()
    build(data, out, **kw)
    return out.getvalue()


@pytest.fixture(scope="module")
def final() -> bytes:
    return render(build_agreement, samples.agreement())


@pytest.fixture(scope="module")
def draft() -> bytes:
    return render(build_agreement, samples.agreement(final=False))


def big_data() -> AgreementData:
    data = samples.big_agreement()
    signatories = tuple(Signatory(f"第{i}位当事人（签名盖章或按指印）", f"签名人{i:02d}")
                        for i in range(1, 13))
    return replace(data, signatories=signatories)


@pytest.fixture(scope="module")
def big() -> bytes:
    return render(build_agreement, big_data())


def assert_footers(texts: list[str]) -> None:
    for number, text in enumerate(texts, start=1):
        assert f"第{number}页共{len(texts)}页" in text


def test_agreement_text_reads_back(final):
    text = "".join(pages(final))
    for expected in ("人民调解协议书", "李秀英", "上海悦动健身管理有限公司", "91310115MA1K4XXXXX",
                     "纠纷主要事实", "争议事项", "各方当事人的责任", "经调解，自愿达成如下协议",
                     squeeze(samples.CLAUSES[1]), "叁仟贰佰元整", "人民币3,200.00元",
                     "履行方式、时限", "本协议一式三份，当事人各执一份，人民调解委员会留存一份。",
                     "申请人（签名盖章或按指印）", "人民调解员（签名）", "记录人（签名）",
                     "陈志明", "周晓雯", "（人民调解委员会印）", "二〇二六年十一月二十二日"):
        assert expected in text, expected


def test_fonts_are_embedded_as_subsets(final):
    found = fonts(final)
    assert found
    for font in found:
        assert font["/Subtype"] == "/TrueType"
        assert SUBSET.match(str(font["/BaseFont"])), font["/BaseFont"]
        assert embedded(font), font["/BaseFont"]
        assert "/ToUnicode" in font


def test_poppler_sees_every_font_embedded(final):
    rows = pdffonts(final)
    if rows is None:
        pytest.skip("poppler-utils not installed")
    assert rows and all(row[-5] == "yes" and row[-4] == "yes" for row in rows), rows


def test_a_final_carries_its_number_and_verification_on_every_page(final):
    texts = pages(final)
    assert len(texts) >= 1
    assert samples.NUMBER in texts[0]
    for text in texts:
        assert f"校验码：{samples.SHA[:16]}" in text
        assert "草稿" not in text
    assert_footers(texts)


def test_a_draft_says_so_on_every_page_and_has_no_verification(draft):
    texts = pages(draft)
    assert "编号：草稿" in texts[0]
    for text in texts:
        assert "草稿" in text  # the watermark
        assert "校验码" not in text
    assert_footers(texts)


def test_a_short_agreement_stays_short(final):
    assert 1 <= len(pages(final)) <= 3


def test_twelve_parties_and_long_clauses_break_across_pages(big):
    texts = pages(big)
    joined = "".join(texts)
    assert 5 < len(texts) < 40
    assert_footers(texts)
    for i in range(1, 12):
        assert f"申请人{i:02d}号张三" in joined
    for clause in big_data().clauses:
        assert squeeze(clause)[:24] in joined and squeeze(clause)[-24:] in joined
    assert "本协议一式十三份" in joined


def test_no_signature_block_is_split_across_pages(big):
    texts = pages(big)
    for i in range(1, 13):
        caption = f"第{i}位当事人（签名盖章或按指印）"
        on = [n for n, t in enumerate(texts) if caption in t]
        assert len(on) == 1, caption
        assert f"签名人{i:02d}" in texts[on[0]]
    seal = [n for n, t in enumerate(texts) if "（人民调解委员会印）" in t]
    assert seal and "二〇二六年十一月二十二日" in texts[seal[0]]


def test_no_heading_is_left_alone_at_a_page_foot(big):
    from pypdf import PdfReader

    for page in PdfReader(io.BytesIO(big)).pages:
        lines = [ln for ln in (page.extract_text() or "").splitlines() if ln.strip()]
        body = [ln for ln in lines if "页共" not in squeeze(ln) and "校验码" not in ln
                and "编号" not in ln and "扫码核验" not in ln]
        assert not body[-1].strip().endswith("：") or "年" in body[-1], body[-1]


def test_markup_in_the_mediators_text_prints_literally():
    facts = '<b>加粗</b> <font name="x">字</font> & &amp; a<b <para>'
    text = "".join(pages(render(build_agreement, samples.agreement(facts=facts))))
    assert squeeze(facts) in text


def test_rare_name_characters_are_drawn_with_a_fallback_font():
    fs = default_fonts()
    fallback = fs.font_for("𠮷")
    if fallback is None:
        pytest.skip("no font with 𠮷 here (install fonts-hanazono or fonts-lxgw-wenkai)")
    person = replace(samples.APPLICANT, name="吉𠮷祥")
    pdf = render(build_agreement, samples.agreement(parties=(person, samples.RESPONDENT)))
    assert "吉𠮷祥" in "".join(pages(pdf))
    names = base_names(pdf)
    assert any(fallback.family.replace(" ", "") in n for n in names), names
    assert len({n.split("+")[1] for n in names}) >= 2
    assert all(embedded(f) for f in fonts(pdf))


def test_emoji_is_drawn_if_a_font_has_it_and_refused_if_none_has():
    data = samples.agreement(facts="申请人回复：好的🙂")
    if default_fonts().font_for("🙂") is not None:  # HanaMinA has a monochrome 🙂
        assert "好的🙂" in "".join(pages(render(build_agreement, data)))
    only_wqy = FontSet(Font(BUNDLED, 0), [])
    out = io.BytesIO()
    with pytest.raises(MissingGlyphs) as caught:
        build_agreement(data, out, fonts=only_wqy)
    assert caught.value.chars == ("🙂",)
    assert out.getvalue() == b""  # nothing half-written


def test_all_missing_characters_are_listed_at_once():
    odd = "\U0010fffd"
    data = samples.agreement(facts=f"甲{odd}", clauses=(f"乙\U0010fffc{odd}",))
    with pytest.raises(MissingGlyphs) as caught:
        render(build_agreement, data)
    assert set(caught.value.chars) == {odd, "\U0010fffc"}


def test_huge_amounts_print_and_negative_ones_are_refused():
    pdf = render(build_agreement, samples.agreement(amounts=(Decimal("999999999999.99"),)))
    text = "".join(pages(pdf))
    assert "人民币999,999,999,999.99元" in text
    assert "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分" in text
    out = io.BytesIO()
    with pytest.raises(BadAmount) as caught:
        build_agreement(samples.agreement(amounts=(Decimal("-5"),)), out)
    assert caught.value.reason == AmountErrorCode.NEGATIVE
    assert out.getvalue() == b""


def test_empty_optional_fields():
    header = Header(samples.COMMITTEE)
    data = AgreementData(header=header, parties=(replace(
        samples.APPLICANT, sex="", ethnicity="", age=None, occupation="", contact="",
        address=""),), facts="", disputes="")
    text = "".join(pages(render(build_agreement, data)))
    # Particulars left empty are blanks to fill by hand, not dropped (issue 14, item 7).
    assert ("申请人：李秀英，性别＿＿＿＿，民族＿＿＿＿，年龄＿＿＿＿，职业或职务：＿＿＿＿，"
            "联系方式：＿＿＿＿，单位或住址：＿＿＿＿。") in text
    assert "各方当事人的责任" not in text and "履行方式" not in text
    assert "人民调解员（签名）" in text and "记录人（签名）" in text
    assert "年月日" in text  # the date left to fill by hand


def test_session_record_reads_back():
    pdf = render(build_session_record, samples.session_record())
    texts = pages(pdf)
    text = "".join(texts)
    for expected in ("人民调解记录", "2026年11月22日14:00—14:45", "张江社区居委会刘芳",
                     "申请人李秀英：我要求退还剩余的3200元。", "健身卡合同", "达成调解协议",
                     "补充记录（2026年11月23日补记）", "申请人补充提供了转账记录",
                     "以上记录已经当事人校阅或向当事人宣读", "记录人（签名）", samples.NUMBER):
        assert expected in text, expected
    assert_footers(texts)


def test_notice_reads_back():
    pdf = render(build_notice, samples.notice())
    texts = pages(pdf)
    text = "".join(texts)
    for expected in ("终止调解告知书", "李秀英：", "第二十六条", "终止原因",
                     "一方当事人不同意继续调解", "人民调解员（签名）", "二〇二六年十一月二十二日"):
        assert expected in text, expected
    assert len(texts) == 1
    assert_footers(texts)


def test_a_notice_with_nothing_optional():
    data = replace(samples.notice(final=False), addressee="", rows=(), signatories=(),
                   paragraphs=(), dated=None)
    texts = pages(render(build_notice, data))
    assert "终止调解告知书" in texts[0] and "草稿" in texts[0]


def test_building_twice_gives_the_same_bytes(final):
    assert render(build_agreement, samples.agreement()) == final


def test_signed_on_another_day():
    pdf = render(build_agreement, samples.agreement(signed_on=date(2027, 1, 31)))
    assert "二〇二七年一月三十一日" in "".join(pages(pdf))


def test_the_qr_code_of_a_final_decodes_to_number_and_hash(final, tmp_path):
    import shutil
    import subprocess

    if not (shutil.which("pdftoppm") and shutil.which("zbarimg")):
        pytest.skip("poppler-utils and zbar-tools not installed")
    (tmp_path / "doc.pdf").write_bytes(final)
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1",
                    str(tmp_path / "doc.pdf"), str(tmp_path / "page")], check=True)
    png = next(tmp_path.glob("page*.png"))
    out = subprocess.run(["zbarimg", "-q", "--raw", "-Sdisable", "-Sqrcode.enable", str(png)],
                         capture_output=True, text=True)
    assert out.stdout.strip() == f"MDV1|{samples.NUMBER}|{samples.SHA}"


def test_a_form_value_longer_than_a_page_prints_as_text():
    long_text = "被申请人已按协议履行。" * 400
    data = replace(samples.notice(), rows=(("回访情况", long_text), ("满意程度", "满意")))
    texts = pages(render(build_notice, data))
    joined = "".join(texts)
    assert 3 < len(texts) < 15
    assert "回访情况：" in joined and "满意程度" in joined
    # a page foot (footer text) interrupts at most one phrase per page
    assert joined.count("被申请人已按协议履行。") >= 400 - len(texts)
    assert_footers(texts)


def test_sixty_parties_in_a_session_record():
    data = replace(samples.session_record(), parties=tuple(samples.party(i) for i in range(1, 61)))
    joined = "".join(pages(render(build_session_record, data)))
    assert all(f"申请人{i:02d}号张三" in joined for i in range(1, 61))
