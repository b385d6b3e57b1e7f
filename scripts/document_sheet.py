"""Every document kind of both tracks, made on a scratch store and written as PDFs to the
folder given (a developer's tool: it uses the tests' fixtures). docs/documents.png is
their first pages side by side (pdftoppm -png -r 30, then montage).

Usage: .venv/bin/python scripts/document_sheet.py OUT_FOLDER
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import update

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.core.documents import DocumentKind
from app.core.sessions import SessionResult
from app.core.workflow import Outcome, RejectionGround, TerminationGround, Track
from app.services import cases, documents, sessions
from app.services.reference import open_workstation
from app.store.database import open_store
from app.store.models import Office
from tests.conftest import FIXED_NOW, complaint_form
from tests.services.test_cases import add_mediator
from tests.support.documents import dated

ENDED = {Track.PEOPLES_MEDIATION: TerminationGround.PM_PARTY_WITHDRAWS,
         Track.MARKET_COMPLAINT: TerminationGround.MC_WITHDRAWN_OR_SETTLED}
REFUSED = {Track.PEOPLES_MEDIATION: RejectionGround.PM_NOT_CIVIL_DISPUTE,
           Track.MARKET_COMPLAINT: RejectionGround.MC_OUT_OF_SCOPE}


def make(out: Path) -> None:
    store = open_store(Path(tempfile.mkdtemp()) / "data")
    ws = open_workstation(store, login="zhangmin")
    ws.now = lambda: FIXED_NOW
    with ws.store.unit_of_work() as s:
        s.execute(update(Office).values(
            name="上海市浦东新区市场监督管理局张江市场监督管理所", number_prefix="浦消调",
            committee_name="张江镇人民调解委员会"))
    mediator = add_mediator(ws)
    for track in Track:
        tag = "pm" if track is Track.PEOPLES_MEDIATION else "mc"
        case_id, _ = cases.intake_work_order(ws, complaint_form(
            track=track, source_ticket=f"1310115202603020{tag}"))
        cases.accept(ws, case_id)
        cases.assign(ws, case_id, mediator)
        draft, _ = sessions.start_draft(ws, case_id, "电话")
        content = draft.content.with_statement("李秀英", "门店关门，要求退款。")
        sessions.finish_session(ws, draft.id, replace(
            content, proposals="建议退还2400元。", result=SessionResult.AGREED.value))
        doc_id, _ = documents.create_draft(ws, case_id, DocumentKind.AGREEMENT)
        fields = documents.get_document(ws, doc_id).fields
        documents.update_draft(ws, doc_id, {"clauses": dated(fields["clauses"], "2026年3月9日"),
                                            "performance": "银行转账。"})
        documents.finalize(ws, doc_id)
        documents.sign(ws, doc_id, date(2026, 3, 3))
        cases.close(ws, case_id, Outcome.TERMINATED, termination_ground=ENDED[track])
        cases.record_follow_up(ws, case_id, satisfaction="satisfied", performance="performed",
                               note="已收到退款。", followed_at=FIXED_NOW + timedelta(days=7))
        kinds = [DocumentKind.AGREEMENT, DocumentKind.SESSION_RECORD, DocumentKind.TERMINATION,
                 DocumentKind.FOLLOW_UP]
        if track is Track.PEOPLES_MEDIATION:
            oral, _ = documents.create_draft(ws, case_id, DocumentKind.ORAL_AGREEMENT)
            documents.update_draft(ws, oral, {"clauses": ["当场退还现金500元。"]})
            kinds.append(DocumentKind.ORAL_AGREEMENT)
        for kind in kinds:
            (out / f"{tag}-{kind.value}.pdf").write_bytes(
                documents.render_for_case(ws, case_id, kind))
        other, _ = cases.intake_work_order(ws, complaint_form(
            track=track, source_ticket=f"1310115202603021{tag}"))
        cases.reject(ws, other, REFUSED[track])
        (out / f"{tag}-rejection.pdf").write_bytes(
            documents.render_for_case(ws, other, DocumentKind.REJECTION))
        dossier, _ = documents.create_draft(ws, case_id, DocumentKind.DOSSIER)
        (out / f"{tag}-dossier.pdf").write_bytes(documents.render(ws, dossier))
    store.close()


if __name__ == "__main__":
    folder = Path(sys.argv[1])
    folder.mkdir(parents=True, exist_ok=True)
    make(folder)
    print(f"wrote {len(list(folder.glob('*.pdf')))} PDFs to {folder}")
