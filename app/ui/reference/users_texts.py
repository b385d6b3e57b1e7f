"""The words of 用户与权限 and of signing in: what each role may do, and why a change or
a sign-in was refused. Marked with ``QT_TRANSLATE_NOOP`` for Qt Linguist."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from app.core.passwords import MIN_LENGTH
from app.core.users import Permission
from app.services.errors import NotPermitted
from app.services.office_users import (
    SignInProblem,
    SignInRefused,
    UserField,
    UserProblem,
    UserRefused,
)
from app.ui import messages

CONTEXT = "Users"


def tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


_PERMISSIONS = {
    Permission.WORK_CASES: QT_TRANSLATE_NOOP("Users", "登记、受理案件，办理分给自己的案件，制作文书"),
    Permission.DISPATCH: QT_TRANSLATE_NOOP("Users", "分派、改派案件给其他调解员"),
    Permission.OFFICE_CASES: QT_TRANSLATE_NOOP("Users", "在待回电、待确认等视图中看到全机构的案件"),
    Permission.REFERENCE_DATA: QT_TRANSLATE_NOOP("Users", "修改本机构信息、节假日安排和期限规则"),
    Permission.MANAGE_USERS: QT_TRANSLATE_NOOP("Users", "添加用户、设置角色和登录密码，更换恢复码"),
    Permission.EXPORT_PERSONAL_DATA: QT_TRANSLATE_NOOP(
        "Users", "导出案件清单时显示当事人姓名和电话（否则隐去部分）"),
}

# What a refused action was, as the refusal names it.
_NOT_PERMITTED = {
    Permission.WORK_CASES: QT_TRANSLATE_NOOP("Users", "办理案件"),
    Permission.DISPATCH: QT_TRANSLATE_NOOP("Users", "把案件分派给其他调解员，或接手同事的案件"),
    Permission.OFFICE_CASES: QT_TRANSLATE_NOOP("Users", "查看全机构的案件"),
    Permission.REFERENCE_DATA: QT_TRANSLATE_NOOP("Users", "修改本机构信息、节假日安排和期限规则"),
    Permission.MANAGE_USERS: QT_TRANSLATE_NOOP("Users", "管理用户、权限和数据文件的恢复码"),
    Permission.EXPORT_PERSONAL_DATA: QT_TRANSLATE_NOOP("Users", "导出未隐去个人信息的案件清单"),
}

_FIELDS = {
    UserField.NAME: QT_TRANSLATE_NOOP("Users", "姓名"),
    UserField.LOGIN: QT_TRANSLATE_NOOP("Users", "登录名"),
    UserField.ROLE: QT_TRANSLATE_NOOP("Users", "角色"),
    UserField.PASSWORD: QT_TRANSLATE_NOOP("Users", "登录密码"),
    UserField.PHONE: QT_TRANSLATE_NOOP("Users", "电话"),
    UserField.CERTIFICATE_NO: QT_TRANSLATE_NOOP("Users", "调解员证号"),
    UserField.ACTIVE: QT_TRANSLATE_NOOP("Users", "可以登录"),
}

_PROBLEMS = {
    UserProblem.EMPTY: QT_TRANSLATE_NOOP("Users", "请填写{field}。"),
    UserProblem.TOO_LONG: QT_TRANSLATE_NOOP("Users", "{field}太长，请核对。"),
    UserProblem.BAD_LOGIN: QT_TRANSLATE_NOOP(
        "Users", "登录名只能用小写字母、数字、“_”或“.”，以字母开头，2至32个字符，例如 lixiuying。"),
    UserProblem.LOGIN_TAKEN: QT_TRANSLATE_NOOP("Users", "这个登录名已有人使用，请换一个。"),
    UserProblem.SHORT_PASSWORD: QT_TRANSLATE_NOOP("Users", "登录密码至少要{min}个字符。"),
    UserProblem.WEAK_PASSWORD: QT_TRANSLATE_NOOP("Users", "登录密码不能与登录名相同。"),
    UserProblem.WRONG_PASSWORD: QT_TRANSLATE_NOOP("Users", "当前密码不正确，没有做任何修改。"),
    UserProblem.BAD_PHONE: QT_TRANSLATE_NOOP(
        "Users", "电话不是有效的号码（手机11位，座机请带区号）。"),
    UserProblem.LAST_ADMINISTRATOR: QT_TRANSLATE_NOOP(
        "Users", "这是唯一的管理员：请先让另一位用户成为管理员，再更改这位的角色或停用。"),
    UserProblem.OWN_ACCOUNT: QT_TRANSLATE_NOOP("Users", "不能停用自己正在使用的账户。"),
    UserProblem.OWN_PASSWORD_FIRST: QT_TRANSLATE_NOOP(
        "Users", "请先为自己设置登录密码：多人共用本机数据后，每个人都要凭自己的密码登录，"
        "否则任何人都能以管理员身份进入。"),
    UserProblem.NOT_FOUND: QT_TRANSLATE_NOOP("Users", "找不到这位用户，可能已被删除。"),
}

_SIGN_IN = {
    SignInProblem.WRONG_PASSWORD: QT_TRANSLATE_NOOP("Users", "密码不正确，请重新输入。"),
    SignInProblem.LOCKED: QT_TRANSLATE_NOOP(
        "Users", "密码错误次数过多，请{seconds}秒后再试。忘记密码请找管理员重设。"),
    SignInProblem.NO_PASSWORD: QT_TRANSLATE_NOOP(
        "Users", "这位用户还没有登录密码，请管理员在 设置 → 用户与权限 中设置。"),
    SignInProblem.UNKNOWN: QT_TRANSLATE_NOOP("Users", "这位用户已停用或不存在。"),
}


def permission_text(permission: Permission) -> str:
    return tr(_PERMISSIONS[permission])


def field_text(field: UserField) -> str:
    return tr(_FIELDS[field])


def problem_text(field: UserField | None, problem: UserProblem) -> str:
    words = tr(_PROBLEMS[problem])
    return words.format(field=field_text(field) if field is not None else "", min=MIN_LENGTH)


def sign_in_text(error: SignInRefused) -> str:
    return tr(_SIGN_IN[error.problem]).format(seconds=error.wait_seconds)


def not_permitted_text(error: NotPermitted) -> str:
    return tr("您的角色（{role}）不能{what}。如需要，请找负责人或管理员。").format(
        role=messages.user_role_text(error.role), what=tr(_NOT_PERMITTED[error.permission]))


messages.register_explainer(
    UserRefused, lambda e: "\n".join(problem_text(f, p) for f, p in e.problems.items()))
messages.register_explainer(SignInRefused, sign_in_text)
messages.register_explainer(NotPermitted, not_permitted_text)
