"""Files, document numbers, and the long life of a workstation: offline longer than the
change log is kept, programs of different versions, an upgrade with unsent changes."""

from __future__ import annotations

import shutil
import uuid

import pytest
from sqlalchemy import func, select, text

from app.services import cases, central_admin
from app.services import sync as sync_service
from app.store import migrate
from app.store.base import utcnow
from app.store.blobs import BlobCorrupt, BlobStore
from app.store.models import Attachment, Blob, Case, SyncChange
from app.sync import client as client_mod
from app.sync.central import CentralError, CentralErrorCode
from app.sync.numbers import NoNumberLeft, take_number
from tests.conftest import complaint_form
from tests.sync.conftest import Desk

RECEIPT = "收据：上海悦动健身 预付卡 5000 元\n".encode() * 50


def _attach(desk, case_id, data: bytes, name: str) -> uuid.UUID:
    sha, size = sync_service.files_of(desk.store).put_bytes(data), len(data)
    with desk.store.unit_of_work() as s:
        row = Attachment(case_id=case_id, sha256=sha, filename=name, size=size,
                         mime_type="text/plain", author=desk.login)
        s.add(row)
        s.flush()
        return row.id


def test_attachment_files_travel_once_by_hash_and_arrive_intact(desks):
    a, b = desks("mdt_zhangmin"), desks("mdt_wangfang")
    case_id, _ = cases.intake_work_order(a.ws, complaint_form())
    _attach(a, case_id, RECEIPT, "收据.txt")
    _attach(a, case_id, RECEIPT, "收据（副本）.txt")  # the same file twice
    a.sync()
    with a.central.admin().connect() as conn:
        assert conn.execute(select(func.count()).select_from(Blob)).scalar_one() == 1
    b.sync()
    files = sync_service.files_of(b.store)
    with b.store.sessions() as s:
        hashes = set(s.scalars(select(Attachment.sha256)))
    assert len(hashes) == 1
    assert files.read(hashes.pop()) == RECEIPT


def test_bytes_damaged_on_the_way_up_are_refused_and_the_row_waits(desks, monkeypatch):
    a = desks("mdt_zhangmin")
    case_id, _ = cases.intake_work_order(a.ws, complaint_form())
    a.sync()
    _attach(a, case_id, RECEIPT, "收据.txt")
    monkeypatch.setattr(BlobStore, "read", lambda self, sha: RECEIPT[:-1] + b"X")
    with pytest.raises(BlobCorrupt):
        a.sync()
    with a.central.admin().connect() as conn:
        assert conn.execute(select(func.count()).select_from(Blob)).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(Attachment)).scalar_one() == 0
    monkeypatch.undo()
    a.sync()
    with a.central.admin().connect() as conn:
        assert conn.execute(select(func.count()).select_from(Attachment)).scalar_one() == 1


def test_a_damaged_download_is_not_kept(desks, monkeypatch):
    a, b = desks("mdt_zhangmin"), desks("mdt_wangfang")
    case_id, _ = cases.intake_work_order(a.ws, complaint_form())
    _attach(a, case_id, RECEIPT, "收据.txt")
    a.sync()
    with a.central.admin().begin() as conn:
        conn.execute(Blob.__table__.update().values(data=b"tampered"))
    with pytest.raises(BlobCorrupt):
        b.sync()
    files = sync_service.files_of(b.store)
    assert [p for p in files.root.rglob("*") if p.is_file()] == []
    with a.central.admin().begin() as conn:  # the office restores the file
        conn.execute(Blob.__table__.update().values(data=RECEIPT))
    b.close()
    again = Desk(b.central, b.login, b.path, first_sync=False)  # a restart
    try:
        again.sync()  # the file still missing is remembered and fetched
        with again.store.sessions() as s:
            assert files.read(s.scalar(select(Attachment.sha256))) == RECEIPT
    finally:
        again.close()


def test_document_numbers_are_reserved_online_and_issued_offline(desks):
    a, b = desks("mdt_zhangmin"), desks("mdt_wangfang")
    year = utcnow().year
    issued = []
    for desk in (a, b):
        with desk.store.engine.begin() as conn:
            for _ in range(15):  # more than one block's worth left above the low water
                issued.append(take_number(conn, desk.client.office_id, year))
    assert len(issued) == len(set(issued))
    with a.store.engine.begin() as conn:
        with pytest.raises(NoNumberLeft):
            for _ in range(100):
                issued.append(take_number(conn, a.client.office_id, year))
    a.sync()  # online again: a new block
    with a.store.engine.begin() as conn:
        fresh = take_number(conn, a.client.office_id, year)
    assert fresh not in issued


def test_offline_longer_than_the_change_log_is_kept_resyncs_keeping_unsent_work(desks):
    a, b = desks("mdt_zhangmin"), desks("mdt_wangfang")
    case_id, _ = cases.intake_work_order(a.ws, complaint_form())
    a.sync(), b.sync()
    cases.update_case(b.ws, case_id, {"request": "离线时写的"})  # b goes offline
    cases.update_case(a.ws, case_id, {"title": "这期间中心的修改"})
    a.sync()
    admin = a.central.admin()
    with admin.begin() as conn:
        conn.execute(SyncChange.__table__.update().values(at=utcnow().replace(year=2020)))
    assert central_admin.prune_change_log(admin, keep_days=30) > 0
    report = b.sync()
    assert report.resync == client_mod.ResyncReason.LOG_PRUNED
    with b.store.sessions() as s:
        case = s.get(Case, case_id)
        assert (case.title, case.request) == ("这期间中心的修改", "离线时写的")
    a.sync()
    with a.store.sessions() as s:
        assert s.get(Case, case_id).request == "离线时写的"


def test_a_central_database_of_another_schema_is_not_synced_with(desks):
    a = desks("mdt_zhangmin")
    cases.intake_work_order(a.ws, complaint_form())
    with a.central.admin().begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0002'"))
    with pytest.raises(CentralError) as err:
        a.sync()
    assert err.value.code == CentralErrorCode.SCHEMA_MISMATCH
    assert a.client.pending_count() > 0  # waiting, not lost


NEXT_MIGRATION = '''"""A later version: a new optional column on cases."""
import sqlalchemy as sa
from alembic import op

revision = "0099"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cases") as batch_op:
        batch_op.add_column(sa.Column("hotline_area", sa.String(32), nullable=True))


def downgrade():
    with op.batch_alter_table("cases") as batch_op:
        batch_op.drop_column("hotline_area")
'''


def test_an_upgrade_with_unsent_changes_sends_them_afterwards(desks, tmp_path, monkeypatch):
    a = desks("mdt_zhangmin")
    case_id, _ = cases.intake_work_order(a.ws, complaint_form())
    a.sync()
    cases.update_case(a.ws, case_id, {"title": "升级前没发出的修改"})
    pending = a.client.pending_count()
    # The new version of the program brings one more migration, for both ends.
    newer = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, newer)
    (newer / "versions" / "0099_hotline_area.py").write_text(
        NEXT_MIGRATION.format(head=migrate.head_revision()), encoding="utf-8")
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", newer)
    migrate._revisions.cache_clear()
    try:
        a.store.close()
        from app.store.database import open_store

        a.store = open_store(a.path)  # upgrades the store, after a backup
        assert a.store.backup_path is not None
        client = sync_service.make_client(a.store, a.engine)
        assert client.pending_count() == pending
        with pytest.raises(CentralError):  # the central database is still the old one
            client.sync()
        central_admin.init_central(a.central.admin())  # the administrator upgrades it
        client.sync()
        assert client.pending_count() == 0
        with a.central.admin().connect() as conn:
            assert conn.execute(select(Case.title).where(Case.id == case_id)).scalar_one() \
                == "升级前没发出的修改"
    finally:
        migrate._revisions.cache_clear()


@pytest.mark.slow
def test_a_central_restore_that_lost_accepted_work_gets_it_back_from_the_workstation(desks):
    a, b = desks("mdt_zhangmin"), desks("mdt_wangfang")
    kept, _ = cases.intake_work_order(a.ws, complaint_form())
    a.sync(), b.sync()
    a.central.backup()
    # Accepted centrally after the backup was taken: an edit and a new case.
    cases.update_case(a.ws, kept, {"title": "备份之后的修改"})
    added, _ = cases.intake_work_order(a.ws, complaint_form(source_ticket="1310115202603029999"))
    a.sync(), b.sync()
    # The server is restored from the backup: both are gone centrally.
    for desk in (a, b):
        desk.engine.dispose()
    a.central.restore()
    from app.sync.central import new_epoch

    new_epoch(a.central.admin())
    report = a.sync()
    assert report.resync == client_mod.ResyncReason.EPOCH
    b.sync()
    with a.central.admin().connect() as conn:
        assert conn.execute(select(Case.title).where(Case.id == kept)).scalar_one() \
            == "备份之后的修改"
        assert conn.execute(select(func.count()).select_from(Case)
                            .where(Case.id == added)).scalar_one() == 1
    for desk in (a, b):
        with desk.store.sessions() as s:
            assert s.get(Case, kept).title == "备份之后的修改"
            assert s.get(Case, added) is not None
