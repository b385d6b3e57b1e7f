"""Built-in quick phrases (常用语) and session templates, by category of dispute.

These ship with the workstation and are the same everywhere; an office adds and edits
its own (the ``phrases`` table). Category "" means every category. Wording follows the
way mediation records are written in practice: third person, plain, dated facts.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum

from app.core.sessions import TextField


class PhraseKind(StrEnum):
    PHRASE = "phrase"  # inserted where the cursor is
    TEMPLATE = "template"  # fills the record's empty parts
    CLAUSE = "clause"  # an agreement clause (built-in ones: app/documents/wording.py)


@dataclass(frozen=True)
class BuiltinPhrase:
    key: str
    kind: PhraseKind
    title: str
    category: str = ""
    field: str = ""  # a TextField value, or "" for any text part
    body: str = ""
    fields: dict[str, str] = dataclasses.field(default_factory=dict)


def _phrase(key: str, field_: TextField | str, body: str, category: str = "",
            title: str = "") -> BuiltinPhrase:
    return BuiltinPhrase(key, PhraseKind.PHRASE, title or body[:16], category,
                         str(field_), body)


BUILTIN_PHRASES: tuple[BuiltinPhrase, ...] = (
    # Anything
    _phrase("open.rights", "", "调解员告知双方当事人在调解活动中享有的权利和承担的义务，"
            "双方表示已清楚。", title="告知权利义务"),
    _phrase("open.voluntary", "", "调解员说明人民调解遵循自愿、平等原则，不收取任何费用，"
            "双方同意接受调解。", title="自愿调解告知"),
    _phrase("open.recording", "", "经双方同意，本次调解通过电话进行，调解员已核实双方身份。",
            title="远程调解身份核实"),
    _phrase("stmt.request", TextField.STATEMENT, "要求对方退还已支付的款项，并承担相应损失。",
            title="要求退款"),
    _phrase("stmt.refuse", TextField.STATEMENT, "不同意对方的全部要求，认为已按约定履行义务。",
            title="不同意要求"),
    _phrase("stmt.verify", TextField.STATEMENT, "需要核实订单及交易记录后再作答复。",
            title="需核实记录"),
    _phrase("evidence.receipt", TextField.EVIDENCE, "申请人提供了购物凭证（发票/收据）及付款记录，"
            "被申请人对其真实性无异议。", title="购物凭证无异议"),
    _phrase("evidence.chat", TextField.EVIDENCE, "申请人提供了与商家的聊天记录截图，"
            "显示商家曾作出相关承诺。", title="聊天记录截图"),
    _phrase("evidence.none", TextField.EVIDENCE, "双方均未提供书面证据，陈述内容基本一致。",
            title="无书面证据"),
    _phrase("prop.law", TextField.PROPOSALS, "调解员依据《中华人民共和国消费者权益保护法》"
            "向双方释明相关规定，建议双方互谅互让、协商解决。", title="释法说理"),
    _phrase("prop.partial", TextField.PROPOSALS, "调解员建议被申请人退还部分款项，"
            "申请人放弃其他请求。", title="建议部分退款"),
    _phrase("resp.agree", TextField.RESPONSES, "双方均同意调解员提出的方案。", title="双方同意"),
    _phrase("resp.consider", TextField.RESPONSES, "被申请人表示需请示公司后答复，"
            "申请人同意等待。", title="需请示后答复"),
    _phrase("resp.refuse", TextField.RESPONSES, "申请人不同意该方案，坚持原请求。",
            title="坚持原请求"),
    _phrase("next.callback", TextField.NEXT_STEP, "约定由调解员再次联系双方，告知核实结果。",
            title="再次联系"),
    _phrase("next.meet", TextField.NEXT_STEP, "约定双方到调解室当面调解。", title="约定当面调解"),
    # By category
    _phrase("prepaid.law", TextField.PROPOSALS, "根据《上海市单用途预付消费卡管理规定》"
            "及相关规定，经营者停业或变更服务的，应当按消费者要求退还预付款余额。",
            "预付式消费", "预付卡退款规定"),
    _phrase("prepaid.balance", TextField.EVIDENCE, "双方核对会员卡消费记录，"
            "确认卡内剩余金额。", "预付式消费", "核对卡内余额"),
    _phrase("online.seven", TextField.PROPOSALS, "根据《消费者权益保护法》第二十五条，"
            "网购商品自收到之日起七日内可无理由退货（特殊商品除外）。", "网络购物",
            "七日无理由退货"),
    _phrase("appliance.repair", TextField.PROPOSALS, "建议由被申请人安排售后人员上门检测，"
            "属质量问题的按三包规定予以修理、更换或退货。", "家用电器", "三包检测"),
    _phrase("food.safety", TextField.PROPOSALS, "根据《食品安全法》第一百四十八条，"
            "消费者可要求支付价款十倍或者损失三倍的赔偿金。", "食品安全", "食品安全赔偿"),
    _phrase("neighbour.calm", TextField.PROPOSALS, "调解员劝导双方本着远亲不如近邻的原则，"
            "各退一步，和睦相处。", "邻里纠纷", "邻里和睦"),
)

BUILTIN_TEMPLATES: tuple[BuiltinPhrase, ...] = (
    BuiltinPhrase("tpl.phone", PhraseKind.TEMPLATE, "电话调解（一般）", fields={
        TextField.EVIDENCE: "双方在电话中陈述了各自掌握的情况。",
        TextField.PROPOSALS: "调解员告知双方权利义务并释明相关法律规定，建议双方协商解决。",
    }),
    BuiltinPhrase("tpl.prepaid", PhraseKind.TEMPLATE, "预付卡退费", category="预付式消费",
                  fields={
        TextField.EVIDENCE: "申请人提供了会员卡、付款记录；双方核对了卡内剩余金额。",
        TextField.PROPOSALS: "调解员依据单用途预付卡管理相关规定，建议被申请人退还未消费部分的预付款。",
        TextField.NEXT_STEP: "约定被申请人核实余额后答复。",
    }),
    BuiltinPhrase("tpl.online", PhraseKind.TEMPLATE, "网购退货退款", category="网络购物",
                  fields={
        TextField.EVIDENCE: "申请人提供了订单截图、商品照片及与客服的聊天记录。",
        TextField.PROPOSALS: "调解员释明七日无理由退货及商品质量责任的规定，建议被申请人办理退货退款。",
    }),
    BuiltinPhrase("tpl.appliance", PhraseKind.TEMPLATE, "家电质量纠纷", category="家用电器",
                  fields={
        TextField.EVIDENCE: "申请人提供了购买发票、保修卡及故障照片。",
        TextField.PROPOSALS: "建议被申请人安排检测，属质量问题的依照三包规定处理。",
    }),
)


def builtins_for(category: str, kind: PhraseKind) -> tuple[BuiltinPhrase, ...]:
    source = {PhraseKind.PHRASE: BUILTIN_PHRASES,
              PhraseKind.TEMPLATE: BUILTIN_TEMPLATES}.get(kind, ())
    return tuple(p for p in source if p.category in ("", category))
