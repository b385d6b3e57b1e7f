"""The words of a group's agreements (issue 17, item 4): why none can be drawn up, and
why a member got none."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from app.services.group_agreements import AgreementProblem, GroupAgreementRefused, MemberSkip
from app.ui.messages import register_explainer

_CONTEXT = "GroupAgreement"

_PROBLEMS = {
    AgreementProblem.NO_PLAN: QT_TRANSLATE_NOOP(
        "GroupAgreement", "尚未确定退费方案：请先在“退费方案…”中设置退费方式和履行期限。"),
    AgreementProblem.NO_PREFIX: QT_TRANSLATE_NOOP(
        "GroupAgreement", "尚未设置协议书编号前缀：请在“退费方案…”中填写（如 浦市监调〔2026〕群3-）。"),
    AgreementProblem.PREFIX_TOO_LONG: QT_TRANSLATE_NOOP(
        "GroupAgreement", "协议书编号前缀太长，请缩短到 {detail} 个字以内。"),
    AgreementProblem.PREFIX_TAKEN: QT_TRANSLATE_NOOP(
        "GroupAgreement", "协议书编号前缀已被群体纠纷“{detail}”使用，请换一个，以免编号重复。"),
    AgreementProblem.NOT_LEAD: QT_TRANSLATE_NOOP(
        "GroupAgreement", "只有本群体纠纷的牵头调解员或负责派单的人员可以生成协议书。"),
    AgreementProblem.CANCELLED: QT_TRANSLATE_NOOP(
        "GroupAgreement", "已停止：没有生成任何协议书，也没有占用编号。"),
    AgreementProblem.NO_MEMBER: QT_TRANSLATE_NOOP(
        "GroupAgreement", "目前没有可以生成协议书的成员（须已受理、已算出应退金额、且未单独处理）。"),
}

_SKIPS = {
    MemberSkip.INDIVIDUAL: QT_TRANSLATE_NOOP("GroupAgreement", "单独处理，不适用群体协议"),
    MemberSkip.NO_AMOUNT: QT_TRANSLATE_NOOP("GroupAgreement", "尚无应退金额（缺少课时或余额）"),
    MemberSkip.NOT_IN_MEDIATION: QT_TRANSLATE_NOOP("GroupAgreement", "案件未受理或已办结"),
    MemberSkip.HAS_AGREEMENT: QT_TRANSLATE_NOOP("GroupAgreement", "已有协议书"),
    MemberSkip.NO_COMPLAINANT: QT_TRANSLATE_NOOP("GroupAgreement", "案件没有登记投诉人"),
    MemberSkip.MISSING_FIELDS: QT_TRANSLATE_NOOP(
        "GroupAgreement", "协议书必填内容不全（如调解员姓名）"),
}


def tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


def problem_text(error: GroupAgreementRefused) -> str:
    return tr(_PROBLEMS[error.problem]).format(detail=error.detail)


def skip_text(skip: MemberSkip) -> str:
    return tr(_SKIPS[skip])


register_explainer(GroupAgreementRefused, problem_text)
