"""The pages a 卷宗 makes itself: the intake form and the rights notice in each track's
words, a picture on a page of its own, the 备考表 counting its own pages, and a file
that cannot be read listed instead of stopping the file."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import pytest
from PIL import Image
from pypdf import PdfReader

from app.core.workflow import Track
from app.documents.data import (
    MISSING_MARK,
    DossierEntry,
    IntakeData,
    Picture,
    RightsNoticeData,
)
from app.documents.dossier import UNREADABLE, build_dossier
from app.documents.dossier_pages import build_intake, build_rights_notice
from app.documents.typography import TEXT_W, Composer
from tests.documents import samples
from tests.documents.pdfcheck import pages

MC_RESPONDENT = replace(samples.RESPONDENT, role="被投诉人")
MC_APPLICANT = replace(samples.APPLICANT, role="投诉人")


def render(build, data) -> bytes:
    out = io.BytesIO()
    build(data, out)
    return out.getvalue()


def jpeg(width: int, height: int) -> Picture:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (30, 120, 200)).save(out, "JPEG")
    return Picture(out.getvalue(), width, height)


def intake(track: Track) -> IntakeData:
    parties = (samples.APPLICANT, samples.RESPONDENT) if track is Track.PEOPLES_MEDIATION \
        else (MC_APPLICANT, MC_RESPONDENT)
    return IntakeData(header=samples.header(final=False), track=track, parties=parties,
                      facts="预付健身卡5000元，门店突然关闭。", request="退还剩余预付款3200元\n赔礼道歉",
                      received_on=date(2026, 3, 1), accepted_on=date(2026, 3, 2),
                      channel="来访", ticket="1310115202603020001", recorded_by="周晓雯")


def test_the_application_is_the_model_forms():
    [text] = pages(render(build_intake, intake(Track.PEOPLES_MEDIATION)))
    for words in ("人民调解申请书", "申请人：李秀英，女，汉族，45岁", "被申请人：上海悦动健身管理有限公司",
                  "纠纷简要情况：预付健身卡5000元", "申请事项：1.退还剩余预付款3200元2.赔礼道歉",
                  "人民调解委员会已将申请人民调解的相关规定告知我，现自愿申请人民调解委员会进行调解。",
                  "申请人（签名盖章或按指印）", "登记人周晓雯"):
        assert words in text, words


def test_the_complaint_register_asks_what_the_rules_ask():
    [text] = pages(render(build_intake, intake(Track.MARKET_COMPLAINT)))
    for words in ("投诉登记表", "工单编号1310115202603020001", "投诉人李秀英", "联系方式：13800135678",
                  "被投诉人上海悦动健身管理有限公司", "投诉请求1.退还剩余预付款3200元",
                  "争议事实预付健身卡5000元", "登记人（签名）"):
        assert words in text, words
    assert "申请人" not in text


@pytest.mark.parametrize(("track", "interim", "words", "never"), [
    (Track.PEOPLES_MEDIATION, True, ("人民调解当事人权利义务告知书", "第二十三条", "第二十四条",
                                     "申请人（签名盖章或按指印）", "被申请人（盖章）",
                                     "法定代表人或委托代理人（签名）", "人民调解员（签名）"), "投诉"),
    (Track.MARKET_COMPLAINT, True, ("投诉调解权利义务告知书", "暂行办法", "第二十二条",
                                    "调解人员（签名）"), "人民调解法"),
    (Track.MARKET_COMPLAINT, False, ("投诉调解权利义务告知书", "双方同意为前提"), "暂行办法"),
])
def test_the_rights_notice_speaks_its_tracks_words(track, interim, words, never):
    parties = (samples.APPLICANT, samples.RESPONDENT)
    data = RightsNoticeData(header=samples.header(final=False), track=track,
                            interim_rules=interim, parties=parties, delivered_by="陈志明")
    text = "".join(pages(render(build_rights_notice, data)))
    for w in words:
        assert w in text, w
    assert never not in text and "未核实" not in text


def test_a_recorded_delivery_replaces_the_parties_signatures():
    data = RightsNoticeData(header=samples.header(final=False), track=Track.PEOPLES_MEDIATION,
                            interim_rules=True, parties=(samples.APPLICANT,),
                            delivered_on=date(2026, 3, 2), delivery_method="电话告知",
                            delivered_by="陈志明")
    text = "".join(pages(render(build_rights_notice, data)))
    assert "告知时间二〇二六年三月二日" in text and "告知方式电话告知" in text
    assert "当事人（签名盖章或按指印）" not in text and "申请人（签名盖章或按指印）" not in text


@pytest.mark.parametrize("size", [(1800, 1200), (600, 2400), (40, 30)])
def test_a_picture_is_one_page_with_its_caption(size):
    pdf = render(build_dossier, replace(samples.dossier([
        DossierEntry("证据材料（门店照片）", picture=jpeg(*size), attachment=True)])))
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 3  # cover, 目录, the picture
    page = reader.pages[2]
    assert "证据材料（门店照片）" in pages(pdf)[2]
    images = [x.get_object() for x in page["/Resources"]["/XObject"].values()]
    assert [x["/Subtype"] for x in images] == ["/Image"]


def test_a_file_that_cannot_be_read_is_listed_not_refused():
    data = replace(samples.dossier([
        DossierEntry("证据材料（发票）", b"%PDF-1.4 not really", attachment=True),
        DossierEntry("证据材料（照片）", picture=Picture(b"not a jpeg", 10, 10), attachment=True),
        DossierEntry("人民调解回访记录", note="当事人联系不上", mark=MISSING_MARK),
    ]), back_note=True)
    texts = pages(render(build_dossier, data))
    table = texts[1]
    assert f"证据材料（发票）—{UNREADABLE}" in table
    assert f"证据材料（照片）—{UNREADABLE}" in table
    assert "人民调解回访记录缺当事人联系不上" in table
    assert len(texts) == 3  # cover, 目录, 备考表
    note = texts[2]
    assert "本卷卷内材料共0件，连同本备考表共1页" in note
    assert f"证据材料（发票）：{UNREADABLE}。" in note and "缺人民调解回访记录：当事人联系不上。" in note


def test_the_note_counts_its_own_pages():
    long = "\n".join(f"第{n}条备注：原件存放于档案室第三柜。" for n in range(60))
    data = replace(samples.dossier([]), back_note=True, remarks=long)
    texts = pages(render(build_dossier, data))
    own = len(texts) - 2
    assert own >= 2 and f"连同本备考表共{own}页" in texts[2]
    assert "备注：详见备考表" in texts[0]  # too long for the cover


def test_a_line_in_one_font_never_starts_with_a_comma():
    c = Composer(None)
    text = ("三、调解人员是投诉人或者被投诉人的近亲属或者有其他利害关系，可能影响公正处理投诉的，"
            "应当回避。投诉人或者被投诉人可以对调解人员提出回避申请。")
    para = c.para(text)
    para.wrap(TEXT_W, 1000)
    lines = ["".join(line[1]) for line in para.blPara.lines]
    assert len(lines) > 1 and not any(line.startswith("，") for line in lines)


def test_a_long_reason_is_in_full_in_the_note_and_pointed_at_from_the_contents():
    reason = "当事人于回访期间多次更换联系电话，" * 30
    data = replace(samples.dossier([
        DossierEntry("人民调解回访记录", note=reason, mark=MISSING_MARK),
        DossierEntry("证据材料（" + "很长的文件名" * 40 + "）", b"", "x" * 10, mark="—",
                     attachment=True)]), back_note=True)
    texts = pages(render(build_dossier, data))
    assert "人民调解回访记录缺详见备考表" in texts[1]
    assert reason.rstrip("，") in "".join(texts[2:])
