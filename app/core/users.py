"""What a signed-in user may do is decided by their role."""

from __future__ import annotations

from enum import StrEnum


class UserRole(StrEnum):
    MEDIATOR = "mediator"
    SUPERVISOR = "supervisor"  # 所长 / 科长: dispatches and sees every case of the office
    ADMIN = "admin"  # the local administrator of a standalone store
