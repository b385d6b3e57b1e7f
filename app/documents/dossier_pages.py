"""The pages a 卷宗 makes itself: the 申请书 or 投诉登记表 from the case's intake, the
权利义务告知书 of the case's track, a picture of the case's files on a page of its own,
and the 备考表 that closes the file. Each goes through the house typography
(app/documents/typography.py)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import BinaryIO

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Image, KeepTogether, Spacer

from app.core.workflow import Track
from app.documents.data import (
    Header,
    IntakeData,
    PartyBlock,
    Picture,
    RightsNoticeData,
    Signatory,
)
from app.documents.fonts import FontSet
from app.documents.typography import (
    BOTTOM,
    PAGE_H,
    TEXT_W,
    TOP,
    Composer,
    chinese_date,
    party_line,
)
from app.documents.wording import NOTE_TITLE, intake_title, notice_title

APPLICANT = "申请人"  # who signs the 申请书 (the role as printed)

# research §3.2 (the model 申请书's fixed sentence).
APPLICATION_PLEDGE = "人民调解委员会已将申请人民调解的相关规定告知我，现自愿申请人民调解委员会进行调解。"

_PML = "《人民调解法》"
# The model notice's opening (research §3.2), then the Law's own words (Arts 3, 4, 7,
# 23, 24, 31, 33; research §1), each with its article.
PM_NOTICE_OPENING = ("根据有关法律、法规的要求，现将人民调解委员会的性质、调解原则和法律效果，"
                     "以及在调解中各方当事人享有的权利和应当承担的义务告知如下：")
PM_NOTICE = (
    f"一、人民调解委员会是依法设立的调解民间纠纷的群众性组织（{_PML}第七条）。"
    f"人民调解委员会调解民间纠纷，不收取任何费用（{_PML}第四条）。",
    "二、人民调解委员会调解民间纠纷，应当遵循下列原则：（一）在当事人自愿、平等的基础上进行调解；"
    "（二）不违背法律、法规和国家政策；（三）尊重当事人的权利，不得因调解而阻止当事人依法通过仲裁、"
    f"行政、司法等途径维护自己的权利（{_PML}第三条）。",
    "三、当事人在人民调解活动中享有下列权利：（一）选择或者接受人民调解员；（二）接受调解、拒绝调解"
    "或者要求终止调解；（三）要求调解公开进行或者不公开进行；（四）自主表达意愿、自愿达成调解协议"
    f"（{_PML}第二十三条）。",
    "四、当事人在人民调解活动中履行下列义务：（一）如实陈述纠纷事实；（二）遵守调解现场秩序，"
    f"尊重人民调解员；（三）尊重对方当事人行使权利（{_PML}第二十四条）。",
    "五、经人民调解委员会调解达成的调解协议，具有法律约束力，当事人应当按照约定履行"
    f"（{_PML}第三十一条）。双方当事人认为有必要的，可以自调解协议生效之日起三十日内共同向"
    f"人民法院申请司法确认（{_PML}第三十三条）。",
)

_INTERIM = "《市场监督管理投诉举报处理暂行办法》"
# A complaint received before 2026-04-15: the 暂行办法's words (research §2.4), each with
# its article.
MC_NOTICE_OPENING_INTERIM = (f"根据{_INTERIM}的规定，现将投诉调解的有关事项以及投诉人、被投诉人的"
                             "权利和义务告知如下：")
MC_NOTICE_INTERIM = (
    "一、市场监督管理部门经投诉人和被投诉人同意，采用调解的方式处理投诉。鼓励投诉人和被投诉人"
    "平等协商，自行和解（第十六条）。",
    "二、调解可以采取现场调解方式，也可以采取互联网、电话、音频、视频等非现场调解方式。采取现场"
    "调解方式的，提前告知投诉人和被投诉人调解的时间、地点、调解人员等（第十八条）。",
    "三、调解人员是投诉人或者被投诉人的近亲属或者有其他利害关系，可能影响公正处理投诉的，应当回避。"
    "投诉人或者被投诉人可以对调解人员提出回避申请（第十九条）。",
    "四、需要进行检定、检验、检测、鉴定的，由投诉人和被投诉人协商一致，共同委托具备相应条件的技术"
    "机构承担，所需费用由双方协商一致承担；检定、检验、检测、鉴定所需时间不计算在调解期限内"
    "（第二十条）。",
    "五、投诉人撤回投诉或者双方自行和解，投诉人或者被投诉人无正当理由不参加调解或者被投诉人明确"
    "拒绝调解，经组织调解投诉人或者被投诉人明确表示无法达成调解协议，或者自投诉受理之日起四十五个"
    "工作日内未能达成调解协议的，终止调解（第二十一条）。",
    "六、经现场调解达成调解协议的，制作调解书，但调解协议已经即时履行或者双方同意不制作调解书的"
    "除外。调解书由投诉人和被投诉人双方签字或者盖章，并加盖市场监督管理部门印章，双方各执一份"
    "（第二十二条）。",
    "七、对消费者权益争议的调解不免除经营者依法应当承担的其他法律责任（第二十三条第二款）。",
)
# A complaint received from 2026-04-15: 总局令第121号 applies, whose text is not at hand
# (research §0), so the notice states the procedure without quoting articles, and leaves
# out the time limits and the testing rules the new order changed.
MC_NOTICE_OPENING = "现将投诉调解的有关事项以及投诉人、被投诉人的权利和义务告知如下："
MC_NOTICE = (
    "一、调解以投诉人和被投诉人双方同意为前提，任何一方可以拒绝调解。鼓励双方平等协商，自行和解。",
    "二、调解可以现场进行，也可以通过互联网、电话、音频、视频等方式进行。现场调解的，提前告知双方"
    "调解的时间、地点和调解人员。",
    "三、调解人员是投诉人或者被投诉人的近亲属或者有其他利害关系，可能影响公正处理投诉的，应当回避。"
    "投诉人或者被投诉人可以对调解人员提出回避申请。",
    "四、经调解达成调解协议的，可以制作调解书，由投诉人和被投诉人双方签字或者盖章，并加盖市场监督"
    "管理部门印章，双方各执一份。",
    "五、对消费者权益争议的调解不免除经营者依法应当承担的其他法律责任。",
)
MC_DUTIES = "调解中，投诉人和被投诉人应当如实陈述争议事实，遵守调解秩序，尊重对方当事人和调解人员。"
NOTICE_RECEIPT = "以上内容已告知，当事人已知悉。"


def _signers(parties: Sequence[PartyBlock]) -> list[Signatory]:
    """Each party signs, seals or puts a fingerprint; a business seals and signs through
    its representative (as on the agreement)."""
    out = []
    for p in parties:
        if p.is_business:
            out += [Signatory(f"{p.role}（盖章）", p.name),
                    Signatory("法定代表人或委托代理人（签名）", p.representative)]
        else:
            out.append(Signatory(f"{p.role}（签名盖章或按指印）", p.name))
    return out


def _without_role(party: PartyBlock) -> str:
    """party_line's text after its role: the form's label names the role."""
    return party_line(party).partition("：")[2]


def _requests(text: str) -> list[str]:
    lines = [x.strip() for x in text.splitlines() if x.strip()]
    return lines if len(lines) <= 1 else [f"{n}. {x}" for n, x in enumerate(lines, 1)]


def build_intake(data: IntakeData, out: BinaryIO, *, fonts: FontSet | None = None) -> None:
    """The 申请书 (people's mediation) or the 投诉登记表 (a complaint); MissingGlyphs
    before writing anything."""
    c = Composer(data.header, fonts)
    title = intake_title(data.track)
    story: list[Flowable] = [KeepTogether([c.title(title), Spacer(1, 8)])]
    if data.track is Track.PEOPLES_MEDIATION:
        story += [c.para(party_line(p)) for p in data.parties]
        story += c.labelled("纠纷简要情况：", data.facts)
        story += c.labelled("申请事项：", "\n".join(_requests(data.request)))
        story += [Spacer(1, 4), c.para(APPLICATION_PLEDGE)]
        story += c.signatures(_signers([p for p in data.parties if p.role == APPLICANT]))
        story += [Spacer(1, 10), c.para("以下由人民调解委员会填写：", c.small_style)]
        rows = [("收到日期", chinese_date(data.received_on) if data.received_on else ""),
                ("申请方式", data.channel), ("工单编号", data.ticket),
                ("登记人", data.recorded_by)]
        story += c.field_table([(k, v) for k, v in rows if v])
    else:
        rows = [("工单编号", data.ticket), ("投诉渠道", data.channel),
                ("收到日期", chinese_date(data.received_on) if data.received_on else ""),
                ("受理日期", chinese_date(data.accepted_on) if data.accepted_on else "")]
        rows += [(p.role, _without_role(p)) for p in data.parties]
        rows += [("投诉请求", "\n".join(_requests(data.request))), ("争议事实", data.facts)]
        story += c.field_table([(k, v) for k, v in rows if v.strip()])
        story += c.signatures([Signatory("登记人（签名）", data.recorded_by)])
        story.append(c.seal(data.header.committee, data.received_on))
    c.render(story, out, title=title)


def build_rights_notice(data: RightsNoticeData, out: BinaryIO, *,
                        fonts: FontSet | None = None) -> None:
    """The 权利义务告知书 in the track's words, then how it was given (when recorded) or
    room for the parties to sign; MissingGlyphs before writing anything."""
    c = Composer(data.header, fonts)
    title = notice_title(data.track)
    story: list[Flowable] = [KeepTogether([c.title(title), Spacer(1, 8)])]
    if data.track is Track.PEOPLES_MEDIATION:
        opening, paragraphs = PM_NOTICE_OPENING, PM_NOTICE
    elif data.interim_rules:
        opening, paragraphs = MC_NOTICE_OPENING_INTERIM, (*MC_NOTICE_INTERIM, MC_DUTIES)
    else:
        opening, paragraphs = MC_NOTICE_OPENING, (*MC_NOTICE, MC_DUTIES)
    names = "、".join(p.name for p in data.parties if p.name)
    if names:
        story.append(c.para(f"{names}：", c.plain_style))
    story.append(c.para(opening))
    story += [c.para(x) for x in paragraphs]
    story += [Spacer(1, 4), c.para(NOTICE_RECEIPT)]
    teller = "人民调解员" if data.track is Track.PEOPLES_MEDIATION else "调解人员"
    if data.delivered_on or data.delivery_method:
        rows = [("告知对象", data.delivered_to or names),
                ("告知时间", chinese_date(data.delivered_on) if data.delivered_on else ""),
                ("告知方式", data.delivery_method), ("告知人", data.delivered_by)]
        story += [Spacer(1, 6), *c.field_table([(k, v) for k, v in rows if v.strip()])]
        signers = [Signatory(f"{teller}（签名）", data.delivered_by)]
    else:
        signers = [*_signers(data.parties), Signatory(f"{teller}（签名）", data.delivered_by)]
    story += c.signatures(signers)
    story.append(c.seal(data.header.committee, data.delivered_on))
    c.render(story, out, title=title)


def build_picture_page(caption: str, picture: Picture, out: BinaryIO, *,
                       fonts: FontSet | None = None) -> None:
    """One A4 page: the caption, then the picture scaled to fit what is left (never
    enlarged past 150 dpi, so a small screenshot stays sharp-edged, not blown up)."""
    c = Composer(None, fonts)
    label = c.para(caption, c.small_style)
    _, label_h = label.wrap(TEXT_W, PAGE_H)
    room_w, room_h = TEXT_W, PAGE_H - TOP - BOTTOM - label_h - 6 * mm - 2
    natural_w, natural_h = picture.width * 72 / 150, picture.height * 72 / 150
    scale = min(room_w / natural_w, room_h / natural_h, 1.0)
    image = Image(io.BytesIO(picture.jpeg), width=natural_w * scale, height=natural_h * scale)
    image.hAlign = "CENTER"
    c.render([label, Spacer(1, 6 * mm), image], out, title=caption, footer=False)


def build_note(header: Header, lines: Sequence[str], rows: Sequence[tuple[str, str]],
               out: BinaryIO, *, fonts: FontSet | None = None) -> None:
    """备考表: 本卷情况说明 (``lines``), then who filed the file and when (``rows``)."""
    c = Composer(header, fonts)
    story: list[Flowable] = [KeepTogether([c.title(NOTE_TITLE), Spacer(1, 8)])]
    story += c.heading("本卷情况说明：")
    story += [c.para(x) for x in lines if x.strip()]
    story += [Spacer(1, 10), *c.field_table(rows)]
    c.render(story, out, title=NOTE_TITLE)
