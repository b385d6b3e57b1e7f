"""The 卷宗 (case file): which items a case's file holds, in filing order, which of them
a case of its track and outcome must have, and whether a file may be closed (归档).

The order and the items are the 司法部 model file's 卷内目录 (research/domain_rules.md
§3.1; DOMAIN.md "Documents"). An item the file must have may still be missing when the
mediator writes down why (the 目录 then says 缺 and the reason); one missing without a
reason stops the file from being made final.

Pure: no database, no words (the documents and the UI word the items).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum

from app.core.workflow import CaseKind, CaseStatus, Outcome, Track


class DossierItem(StrEnum):
    """The items of a case file, declared in filing order (research §3.1)."""

    INTAKE = "intake"  # 申请书 / 受理登记表 / 投诉登记表 (made from the case)
    RIGHTS_NOTICE = "rights_notice"  # 权利义务告知书 (made from the case)
    IDENTITY = "identity"  # 当事人身份证明
    POWER_OF_ATTORNEY = "power_of_attorney"  # 授权委托书
    INVESTIGATION = "investigation"  # 调查记录
    EVIDENCE = "evidence"  # 证据材料
    SESSION_RECORD = "session_record"  # 调解记录
    AGREEMENT = "agreement"  # 调解协议书 / 调解书 / 口头协议登记表, and the signed scan
    TERMINATION = "termination"  # 终止调解告知书
    RECEIPTS = "receipts"  # 收条、汇款单等履行凭证
    FOLLOW_UP = "follow_up"  # 回访记录
    JUDICIAL = "judicial"  # 司法确认有关材料
    NOTE = "note"  # 备考表 (卷宗情况说明 and 封底; made with the file)


ITEM_ORDER: tuple[DossierItem, ...] = tuple(DossierItem)

# Made by the desk from the case: always there.
GENERATED = frozenset({DossierItem.INTAKE, DossierItem.RIGHTS_NOTICE, DossierItem.NOTE})
# Items a file of the case's own may be placed in (attachments and session records).
PLACEABLE = frozenset({DossierItem.IDENTITY, DossierItem.POWER_OF_ATTORNEY,
                       DossierItem.INVESTIGATION, DossierItem.EVIDENCE,
                       DossierItem.SESSION_RECORD, DossierItem.AGREEMENT,
                       DossierItem.RECEIPTS, DossierItem.JUDICIAL})
EXCLUDED = "exclude"  # a placement that keeps a file out of the dossier

# Closed complaints are filed; inquiries and reports have no mediation file, and a
# rejected complaint was never mediated.
FILED_STATUSES = frozenset({CaseStatus.CLOSED, CaseStatus.FOLLOWED_UP, CaseStatus.RATED})


class Need(StrEnum):
    REQUIRED = "required"  # 必须
    AS_NEEDED = "as_needed"  # 按需: listed when there is one
    NOT_USED = "not_used"  # not part of this track's file


class ItemState(StrEnum):
    PRESENT = "present"  # 有
    EXCUSED = "excused"  # 缺, with the mediator's reason
    MISSING = "missing"  # 缺, no reason yet: the file cannot be final
    ABSENT = "absent"  # not needed and not there: not listed


def needs_dossier(kind: CaseKind, status: CaseStatus) -> bool:
    """A case whose file is due once it is closed (the queue's 待归档)."""
    return kind is CaseKind.COMPLAINT and status in FILED_STATUSES


def need(item: DossierItem, track: Track, outcome: Outcome | None, *, mediated: bool) -> Need:
    """What a case of ``track`` closed with ``outcome`` needs of ``item``. ``mediated``:
    mediation took place (a session held or mediation started)."""
    settled = outcome is Outcome.SETTLED
    peoples = track is Track.PEOPLES_MEDIATION
    match item:
        case DossierItem.INTAKE | DossierItem.RIGHTS_NOTICE | DossierItem.NOTE:
            return Need.REQUIRED  # research §3.1: 必须
        case DossierItem.IDENTITY:
            # 必须 in the model file; a hotline complaint needs no ID (暂行办法 第九条).
            return Need.REQUIRED if peoples else Need.AS_NEEDED
        case DossierItem.SESSION_RECORD:
            # 人民调解法 第二十七条 (调解工作记录 立卷归档); 暂行办法 第二十二条第二款.
            return Need.REQUIRED if mediated or settled else Need.AS_NEEDED
        case DossierItem.AGREEMENT:
            # 人民调解法 第二十八条、第二十九条 (or the oral agreement's record);
            # 暂行办法 第二十二条 (调解书).
            return Need.REQUIRED if settled else Need.AS_NEEDED
        case DossierItem.TERMINATION:
            # 人民调解法 第二十六条; 暂行办法 第二十一条第二款 (the parties are told).
            return Need.REQUIRED if outcome is Outcome.TERMINATED else Need.AS_NEEDED
        case DossierItem.FOLLOW_UP:
            # 人民调解法 第三十一条第二款 (监督履行, 回访记录 form §3.2); the 121号令 adds a
            # follow-up duty for complaints (research §2.1).
            return Need.REQUIRED if settled else Need.AS_NEEDED
        case DossierItem.JUDICIAL:
            # 司法确认 is of people's mediation agreements (人民调解法 第三十三条).
            return Need.AS_NEEDED if peoples else Need.NOT_USED
    return Need.AS_NEEDED


@dataclass(frozen=True)
class ItemCheck:
    item: DossierItem
    need: Need
    state: ItemState
    reason: str = ""  # why it is missing, as the mediator wrote it


@dataclass(frozen=True)
class DossierCheck:
    items: tuple[ItemCheck, ...]  # every item of the track, in filing order

    @property
    def blocking(self) -> tuple[DossierItem, ...]:
        """Required items missing without a reason: the file cannot be made final."""
        return tuple(i.item for i in self.items if i.state is ItemState.MISSING)

    @property
    def complete(self) -> bool:
        return not self.blocking

    def state(self, item: DossierItem) -> ItemState:
        return next(i.state for i in self.items if i.item is item)


def check_dossier(track: Track, outcome: Outcome | None, present: Collection[DossierItem],
                  reasons: Mapping[str, str], *, mediated: bool) -> DossierCheck:
    """Each item's state. ``reasons`` maps an item's value to why it is missing (the
    dossier draft's ``fields["missing_reasons"]``); a blank reason is no reason."""
    checks = []
    for item in ITEM_ORDER:
        needed = need(item, track, outcome, mediated=mediated)
        if needed is Need.NOT_USED:
            continue
        reason = str(reasons.get(item.value) or "").strip()
        if item in present or item in GENERATED:
            state = ItemState.PRESENT
        elif needed is Need.REQUIRED:
            state = ItemState.EXCUSED if reason else ItemState.MISSING
        else:
            state = ItemState.ABSENT
        checks.append(ItemCheck(item, needed, state,
                                reason if state is ItemState.EXCUSED else ""))
    return DossierCheck(tuple(checks))


# Where a file of the case goes by default, from the words of its name or description
# (the mediator may place it elsewhere). First match wins.
_KEYWORDS: tuple[tuple[DossierItem, tuple[str, ...]], ...] = (
    (DossierItem.JUDICIAL, ("司法确认", "调确", "裁定书")),
    (DossierItem.POWER_OF_ATTORNEY, ("委托书", "授权书", "授权委托")),
    (DossierItem.IDENTITY, ("身份证", "身份证明", "营业执照", "户口", "护照", "居住证",
                            "社会信用代码证")),
    # Not 收据 or 发票: a purchase's receipt is evidence of the dispute.
    (DossierItem.RECEIPTS, ("收条", "汇款", "转账", "到账", "付款凭证", "退款凭证",
                            "履行凭证", "回单")),
    (DossierItem.INVESTIGATION, ("调查记录", "调查笔录", "询问笔录")),
)


def default_item(*texts: str) -> DossierItem:
    """The item a file with this name or description is placed in: evidence unless its
    words say otherwise."""
    joined = " ".join(texts)
    for item, words in _KEYWORDS:
        if any(w in joined for w in words):
            return item
    return DossierItem.EVIDENCE
