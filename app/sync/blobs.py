"""Attachment files between a workstation and the central database, by content hash.

A file goes up before the attachment row that names it, once per hash (a file the
central database holds already is not sent again), and is checked on arrival: the
central database hashes the bytes it stored and the transaction fails on a mismatch.
Coming down, the bytes are checked against the hash before they are kept.
"""

from __future__ import annotations

from sqlalchemy import Engine, insert, select, text
from sqlalchemy.exc import IntegrityError

from app.store.base import utcnow
from app.store.blobs import BlobCorrupt, BlobStore, sha256_of
from app.store.models import Blob
from app.sync.central import is_postgresql


def central_has(conn, sha256: str) -> bool:
    if is_postgresql(conn):
        # Past row-level security: whether the bytes exist, not whose they are.
        return bool(conn.execute(text("SELECT md_blob_exists(:h)"), {"h": sha256}).scalar())
    return conn.execute(select(Blob.sha256).where(Blob.sha256 == sha256)).first() is not None


def upload_missing(central: Engine, store: BlobStore, hashes: list[str], *, actor: str) -> int:
    """Send the files the central database lacks. Returns how many were sent."""
    sent = 0
    for sha in dict.fromkeys(hashes):
        with central.begin() as conn:
            if central_has(conn, sha):
                continue
            if not store.has(sha):
                continue  # the row goes up and is refused or fetched later; nothing to send
            data = store.read(sha)
            try:
                # No ON CONFLICT: on PostgreSQL it needs to read the row, which row-level
                # security forbids until an attachment names it. A racing upload of the
                # same file fails here and is simply there next time.
                with conn.begin_nested():
                    conn.execute(insert(Blob).values(sha256=sha, size=len(data), data=data,
                                                     uploaded_by=actor, uploaded_at=utcnow()))
            except IntegrityError:
                continue
            if is_postgresql(conn):
                stored = conn.execute(text("SELECT md_blob_digest(:h)"), {"h": sha}).scalar()
            else:
                stored = sha256_of(conn.execute(select(Blob.data).where(Blob.sha256 == sha))
                                   .scalar_one())
            if stored is not None and stored != sha:
                raise BlobCorrupt(f"central copy of {sha} hashes to {stored}")
            sent += 1
    return sent


def download_missing(central: Engine, store: BlobStore, hashes: list[str]) -> int:
    """Fetch the files this workstation lacks; each is checked before it is kept."""
    fetched = 0
    for sha in dict.fromkeys(hashes):
        if store.has(sha):
            continue
        with central.connect() as conn:
            data = conn.execute(select(Blob.data).where(Blob.sha256 == sha)).scalar()
        if data is None:
            continue  # not uploaded yet; the next sync tries again
        store.put_bytes(bytes(data), expected=sha)
        fetched += 1
    return fetched
