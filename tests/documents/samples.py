"""Sample documents for the tests, the bench and looking at the pages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from hashlib import sha256

from app.core.workflow import Track
from app.documents.data import (
    AgreementData,
    Committee,
    DossierData,
    Header,
    NoticeData,
    PartyBlock,
    SessionRecordData,
    Signatory,
    Verification,
)
from app.documents.typography import amount_text

COMMITTEE = Committee("张江镇人民调解委员会", "浦消调")
NUMBER = "（2026）浦消调字第0123号"
SHA = "3f7a9c0e12b45d6f7890abcdef0123456789abcdef0123456789abcdef012345"


def header(final: bool = True) -> Header:
    if not final:
        return Header(COMMITTEE)
    return Header(COMMITTEE, number=NUMBER, draft=False,
                  verification=Verification(NUMBER, SHA))


APPLICANT = PartyBlock(role="申请人", name="李秀英", sex="女", ethnicity="汉族", age=45,
                       occupation="教师", contact="13800135678",
                       address="上海市浦东新区张杨路500号")
RESPONDENT = PartyBlock(role="被申请人", name="上海悦动健身管理有限公司", is_business=True,
                        id_label="统一社会信用代码", id_number="91310115MA1K4XXXXX",
                        representative="王建国", address="上海市浦东新区世纪大道100号",
                        contact="021-58880000")

CLAUSES = (
    "被申请人上海悦动健身管理有限公司于2026年11月30日前向申请人李秀英退还剩余预付款人民币3,200.00元（大写：人民币叁仟贰佰元整）。",
    "申请人收到上述款项后，双方就本纠纷再无其他争议。",
)


def agreement(final: bool = True, **changes) -> AgreementData:
    fields = dict(
        header=header(final),
        parties=(APPLICANT, RESPONDENT),
        facts="申请人于2025年3月在被申请人处办理预付健身卡，预付5000元。2026年10月门店突然关闭，申请人尚有剩余课时未使用。",
        disputes="申请人要求退还剩余预付款；被申请人对剩余金额的计算有异议。",
        responsibility="被申请人未提前告知停业，应承担退款责任。",
        clauses=CLAUSES,
        performance="被申请人以银行转账方式一次性支付至申请人指定账户，于2026年11月30日前履行完毕。",
        copies=3,
        mediator="陈志明",
        recorder="周晓雯",
        signed_on=date(2026, 11, 22),
        amounts=(Decimal("3200.00"),),
    )
    fields.update(changes)
    return AgreementData(**fields)


def party(i: int) -> PartyBlock:
    return PartyBlock(role="申请人", name=f"申请人{i:02d}号张三", sex="男", ethnicity="汉族",
                      age=30 + i, occupation="职员", contact=f"1380013{i:04d}",
                      address=f"上海市浦东新区张江路{i}号{i}01室")


def big_agreement(final: bool = True) -> AgreementData:
    clauses = tuple(
        f"第{i}项约定：" + "被申请人应当按照本协议约定的期限和方式向各申请人分别退还剩余预付款，"
        "并承担因停业给申请人造成的合理损失。" * 6 for i in range(1, 31))
    return agreement(final, parties=tuple(party(i) for i in range(1, 12)) + (RESPONDENT,),
                     clauses=clauses, copies=13)


def session_record(final: bool = True) -> SessionRecordData:
    return SessionRecordData(
        header=header(final), started="2026年11月22日 14:00—14:45", place="张江镇人民调解委员会调解室",
        mode="现场", cause="预付式消费纠纷", participants=("张江社区居委会 刘芳",),
        parties=(APPLICANT, RESPONDENT),
        statements=(("调解员陈志明", "告知双方当事人在调解中享有的权利和承担的义务。"),
                    ("申请人李秀英", "我要求退还剩余的3200元。"),
                    ("被申请人代理人王建国", "同意退款，但希望分两期支付。")),
        evidence="健身卡合同、付款凭证、剩余课时记录。",
        proposals="建议被申请人于2026年11月30日前一次性退还3200元。",
        responses="双方同意。", result="达成调解协议。",
        addenda=(("2026年11月23日补记", "申请人补充提供了转账记录。"),),
        signatories=(Signatory("申请人（签名）", "李秀英"), Signatory("被申请人（签名）", "王建国"),
                     Signatory("人民调解员（签名）", "陈志明"), Signatory("记录人（签名）", "周晓雯")),
        recorder="周晓雯")


def notice(final: bool = True) -> NoticeData:
    return NoticeData(
        header=header(final), title="终止调解告知书", addressee="李秀英：",
        paragraphs=("你与上海悦动健身管理有限公司预付式消费纠纷一案，本委员会于2026年11月1日受理。",
                    "因被申请人明确表示不愿继续调解，根据《中华人民共和国人民调解法》第二十六条的规定，本委员会决定终止调解。",
                    "你可以依法通过仲裁、行政、司法等途径维护自己的权利。"),
        rows=(("纠纷名称", "预付式消费纠纷"), ("终止原因", "一方当事人不同意继续调解")),
        signatories=(Signatory("人民调解员（签名）", "陈志明"),),
        dated=date(2026, 11, 22))


def dossier(entries) -> DossierData:
    return DossierData(
        committee=COMMITTEE, volume_name="李秀英与上海悦动健身管理有限公司预付式消费纠纷",
        volume_number=NUMBER, mediator="陈志明", mediation_from=date(2026, 11, 1),
        mediation_to=date(2026, 11, 22), filed_by="周晓雯", filed_on=date(2026, 11, 30),
        retention="长期", entries=tuple(entries), remarks="")


# ---------------------------------------------------------------- a group's agreements
# The gym's closing (issue 17): each member's own 调解书, as group_agreements.draw_up
# makes them — the bench's batches and the batch tests. Some members' names hold rare
# characters the main font lacks (䶮 and 㛃: extension A; 𠮷: extension B).

BUREAU = Committee("浦东新区市场监督管理局张江市场监督管理所")
GROUP_PREFIX = "浦市监调〔2026〕群3-"
RARE_NAMES = {50: "刘䶮", 100: "陈㛃", 150: "𠮷田春"}
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡"
_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂玉萍毅浩宇轩梓涵欣怡墨诺思远晨曦雨桐"
UNIT_PRICE = Decimal("128.50")


def member_name(i: int) -> str:
    """The i-th member's name (1-based): varied, so that no two agreements print alike."""
    if i in RARE_NAMES:
        return RARE_NAMES[i]
    return (_SURNAMES[i % len(_SURNAMES)] + _GIVEN[(i * 7) % len(_GIVEN)]
            + _GIVEN[(i * 13 + 5) % len(_GIVEN)])


def member_amount(i: int) -> Decimal:
    return UNIT_PRICE * (i % 30 + 1)


def group_agreement(i: int) -> AgreementData:
    """Member i's agreement (1-based): their name and particulars, their unused sessions
    and refund, their number in the group's series and their own content hash."""
    name, amount, sessions = member_name(i), member_amount(i), i % 30 + 1
    number = f"{GROUP_PREFIX}{i:04d}"
    head = Header(BUREAU, Track.MARKET_COMPLAINT, number=number, draft=False,
                  verification=Verification(number, sha256(number.encode()).hexdigest()))
    member = PartyBlock(role="投诉人", name=name, sex="女" if i % 2 else "男", ethnicity="汉族",
                        age=20 + i % 50, occupation="职员", contact=f"139{i:08d}",
                        address=f"上海市浦东新区张江路{i % 900 + 1}弄{i % 30 + 1}号")
    business = PartyBlock(role="被投诉人", name="上海悦动健身管理有限公司", is_business=True,
                          id_label="统一社会信用代码", id_number="91310115MA1K4XXXXX",
                          representative="李四", address="上海市浦东新区世纪大道100号",
                          contact="021-58880000")
    payer = business.name
    return AgreementData(
        header=head, parties=(member, business),
        facts=(f"投诉人{name}于2025年{i % 12 + 1}月在被投诉人处办理预付健身会员卡。"
               f"2026年10月门店停业，投诉人尚有{sessions}次课未使用。"),
        disputes=f"要求{payer}退还预付费用。",
        clauses=("被投诉人承认因经营困难停止营业，承诺按本方案退还会员未使用课时的费用。",
                 f"{payer}按未使用课时（次数）{sessions}次、每次128.50元计算，于2026年12月31日前"
                 f"向{name}退还{amount_text(amount)}。",
                 f"{payer}逾期未支付的，{name}可依法向人民法院提起诉讼。",
                 "本调解书履行完毕后，双方就本纠纷再无其他争议。"),
        performance=f"{payer}于2026年12月31日前将上述款项一次性支付给{name}。",
        copies=3, mediator="王建国", recorder="周晓雯", signed_on=date(2026, 12, 4),
        amounts=(amount,))


def group_batch(n: int, start: int = 1) -> list[AgreementData]:
    return [group_agreement(i) for i in range(start, start + n)]
