"""What a signed-in user may do is decided by their role."""

from __future__ import annotations

from enum import StrEnum


class UserRole(StrEnum):
    MEDIATOR = "mediator"
    SUPERVISOR = "supervisor"  # 所长 / 科长: dispatches and sees every case of the office
    ADMIN = "admin"  # the local administrator of a standalone store


class Permission(StrEnum):
    WORK_CASES = "work_cases"  # take in cases, mediate one's own, draw up documents
    DISPATCH = "dispatch"  # assign or reassign a case to someone else
    OFFICE_CASES = "office_cases"  # every case of the office in the views, not only one's own
    REFERENCE_DATA = "reference_data"  # 本机构, 节假日安排, 期限规则
    MANAGE_USERS = "manage_users"  # 用户与权限
    # Case lists exported with names and phone numbers in clear (otherwise masked).
    EXPORT_PERSONAL_DATA = "export_personal_data"


ROLE_PERMISSIONS: dict[UserRole, frozenset[Permission]] = {
    UserRole.MEDIATOR: frozenset({Permission.WORK_CASES}),
    UserRole.SUPERVISOR: frozenset({Permission.WORK_CASES, Permission.DISPATCH,
                                    Permission.OFFICE_CASES, Permission.EXPORT_PERSONAL_DATA}),
    UserRole.ADMIN: frozenset(Permission),
}


def may(role: UserRole, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]


def may_assign(role: UserRole, *, me, current, to) -> bool:
    """A mediator takes an unassigned case for themself (领取) or keeps their own; handing a
    case to someone else, or taking a colleague's, is dispatching."""
    if may(role, Permission.DISPATCH):
        return True
    return to == me and current in (None, me)
