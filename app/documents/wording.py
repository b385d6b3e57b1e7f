"""The fixed wording of the documents (printed text, not screen text): the sentences of
the notices, party roles as the forms name them, the clause library of the agreement.
A clause is a template with named blanks; the mediator edits the result freely.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.core.documents import BLANK
from app.core.money import format_amount, to_capitals

ROLES = {"applicant": "申请人", "respondent": "被申请人", "agent": "代理人",
         "reporter": "举报人"}
SEXES = {"M": "男", "F": "女", "男": "男", "女": "女"}  # as parties store it (case_texts.SEXES)

ID_LABELS = {"resident_id": "居民身份证", "uscc": "统一社会信用代码", "passport": "护照"}

TERMINATION_TITLE = "终止调解告知书"
TERMINATION_TEXT = ("你（单位）与{other}之间的{dispute}纠纷，{who}已于{accepted}受理并"
                    "组织调解。因{ground}，根据{citation}的规定，决定终止调解。")
TERMINATION_ADVICE = "你（单位）可以依法通过仲裁、行政、司法等途径维护自己的权利。"
REJECTION_TITLE = "不予受理告知书"
REJECTION_TEXT = ("你（单位）于{received}提出的{dispute}投诉，经审查，{ground}，根据{citation}的"
                  "规定，决定不予受理。")
REJECTION_ADVICE = "特此告知。"
ORAL_TITLE = "人民调解口头协议登记表"
ORAL_NOTE = "当事人认为无需制作调解协议书，采取口头协议方式，调解员记录协议内容如上（人民调解法第二十八条）。"
FOLLOW_UP_TITLE = "人民调解回访记录"


def money(amount: Decimal) -> str:
    """人民币3,200.00元（大写：人民币叁仟贰佰元整）."""
    return f"人民币{format_amount(amount)}元（大写：{to_capitals(amount)}）"


@dataclass(frozen=True)
class ClauseTemplate:
    key: str
    title: str  # what the clause library lists
    text: str  # with blanks: {payer} {payee} {amount} {deadline} {method} {applicant} …
    blanks: tuple[str, ...] = ()


CLAUSES: tuple[ClauseTemplate, ...] = (
    ClauseTemplate("refund", "退款", "{payer}于{deadline}前向{payee}退还{amount}。",
                   ("payer", "payee", "amount", "deadline")),
    ClauseTemplate("compensation", "赔偿", "{payer}于{deadline}前向{payee}支付赔偿金{amount}。",
                   ("payer", "payee", "amount", "deadline")),
    ClauseTemplate("method", "支付方式", "上述款项以{method}方式支付至{payee}指定的账户。",
                   ("method", "payee")),
    ClauseTemplate("replace", "更换或维修", "{payer}于{deadline}前为{payee}免费更换同型号商品（或维修至正常使用）。",
                   ("payer", "payee", "deadline")),
    ClauseTemplate("withdraw", "撤回投诉", "{applicant}收到上述款项后，撤回对{respondent}的投诉，"
                   "不再就本纠纷向有关部门主张权利。", ("applicant", "respondent")),
    ClauseTemplate("confidential", "保密", "双方对本协议内容负有保密义务，未经对方同意不得向第三方披露，"
                   "法律另有规定的除外。"),
    ClauseTemplate("default", "违约责任", "{payer}未按期足额履行的，{payee}可以自本协议生效之日起三十日内"
                   "与对方共同申请司法确认，经确认后可向人民法院申请强制执行；也可以就履行问题向人民法院"
                   "提起诉讼。", ("payer", "payee")),
    ClauseTemplate("settled", "纠纷了结", "本协议履行完毕后，双方就本纠纷再无其他争议。"),
)


def clause(key: str, **blanks: str) -> str:
    """The clause's text with its blanks filled; an unfilled blank stays visible as ____."""
    template = next(c for c in CLAUSES if c.key == key)
    values = {name: blanks.get(name) or BLANK for name in template.blanks}
    return template.text.format(**values)
