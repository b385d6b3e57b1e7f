"""The case list as a workbook (issue 15, item 5): the cases a queue view lists, with
their filters and search, one row each.

Personal data (the complainant's name and phone) is masked unless the user's role may
export it (负责人, 管理员); a reporter kept confidential (举报人) is never written, whoever
exports. Every export is audited: who, which list, how many rows, masked or not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from app.core.ids import new_id
from app.core.users import Permission, may
from app.core.validation import mask_phone
from app.documents import report_wording as words
from app.documents.spreadsheets import Column, Table, write_workbook
from app.services import audit
from app.services.context import Workstation
from app.services.queue import QueueQuery, query_conditions
from app.store.models import Case, Mediator

CONFIDENTIAL = "（保密）"

COLUMNS = (
    Column("工单编号", 22),
    Column("登记时间", 17),
    Column("渠道", 8),
    Column("类型", 7),
    Column("类别", 12),
    Column("问题", 12),
    Column("街镇", 12),
    Column("投诉人", 10),
    Column("联系电话", 14),
    Column("被投诉方", 28),
    Column("统一社会信用代码", 21),
    Column("状态", 9),
    Column("办理结果", 10),
    Column("承办人", 9),
    Column("下一期限", 11),
    Column("争议金额（元）", 13, money=True),
    Column("挽回金额（元）", 13, money=True),
)


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int
    masked: bool


def may_export_personal_data(ws: Workstation) -> bool:
    return may(ws.actor.role, Permission.EXPORT_PERSONAL_DATA)


def mask_name(name: str) -> str:
    """张** : the family name kept, so a colleague can still tell rows apart."""
    name = name.strip()
    return name[:1] + "*" * (len(name) - 1) if len(name) > 1 else "*" * len(name)


def export_case_list(ws: Workstation, query: QueueQuery, path: Path, *, description: str = "",
                     progress: Callable[[int], None] | None = None,
                     every: int = 1000) -> ExportResult:
    """Write the cases ``query`` lists to ``path`` (.xlsx), newest first. ``description``
    names the list in the audit trail (e.g. the view and filters as the user saw them).
    ``progress`` is called every ``every`` rows with the rows written so far; it may raise to cancel, and
    then no file is left behind and nothing is audited."""
    masked = not may_export_personal_data(ws)
    conditions = query_conditions(ws, query)
    with ws.store.unit_of_work() as session:
        names = dict(session.execute(select(Mediator.id, Mediator.name)).all())
        cases = session.scalars(
            select(Case).where(*conditions).order_by(Case.received_at.desc())
            .execution_options(yield_per=2000))
        rows = write_workbook(path, [Table("案件清单", COLUMNS, _rows(cases, names, masked))],
                              on_row=progress, every=every)
    try:
        # Read and audit apart: a read transaction that later writes could not commit
        # when a sync wrote in between (SQLite's WAL snapshot rule).
        with ws.store.unit_of_work() as session:
            audit.record(
                session, actor=ws.actor.login, entity="case_list", entity_id=new_id(),
                action="export",
                changes=audit.created({"rows": rows, "masked": masked, "file": path.name,
                                       "list": description}),
                office_id=ws.actor.office_id, at=ws.now())
    except BaseException:
        path.unlink(missing_ok=True)  # no list leaves the store unrecorded
        raise
    return ExportResult(path, rows, masked)


def _rows(cases, names: dict, masked: bool) -> Iterator[tuple]:
    for case in cases:
        if case.reporter_confidential:
            person, phone = CONFIDENTIAL, CONFIDENTIAL
        elif masked:
            person = mask_name(case.complainant_name)
            phone = mask_phone(case.complainant_phone) if case.complainant_phone else ""
        else:
            person, phone = case.complainant_name, case.complainant_phone
        yield (
            case.source_ticket, case.received_at, words.word(words.SOURCE, case.source),
            words.word(words.KIND, case.kind), case.category, case.issue_type, case.region,
            person, phone, case.respondent_name, case.respondent_uscc,
            words.word(words.STATUS, case.status), words.word(words.OUTCOME, case.outcome),
            names.get(case.mediator_id, ""), case.next_deadline_on,
            case.amount_claimed_fen, case.amount_recovered_fen,
        )
