"""Attachment files encrypted with the store's key: unreadable on disk, named so the
folder does not reveal which known files are there, every chunk authenticated."""

from __future__ import annotations

import hashlib
import io
import os
import tracemalloc

import pytest

from app.services import cases, evidence, store_keys
from app.services.reference import open_workstation
from app.services.sync import files_of
from app.store import filecrypt, keyfile
from app.store.blobs import BlobCorrupt, BlobStore
from app.store.database import open_store
from tests.conftest import complaint_form
from tests.support.memory_keyring import use_memory_keyring

SECRET = "投诉人 欧阳秀英 电话 13912345678 身份证 11010519491231002X".encode()


def chat_log(size: int) -> bytes:
    """A "chat export" of ``size`` bytes with the complainant's particulars throughout."""
    line = SECRET + b"\n" + os.urandom(200) + b"\n"
    return (line * (size // len(line) + 1))[:size]


@pytest.fixture
def key() -> bytes:
    return keyfile.new_data_key()


def test_a_stored_file_is_encrypted_and_named_by_an_hmac(tmp_path, key):
    blobs = BlobStore(tmp_path / "files", key)
    data = chat_log(3 * filecrypt.CHUNK + 12345)
    sha = hashlib.sha256(data).hexdigest()
    stored = blobs.put_stream(io.BytesIO(data))
    assert stored.sha256 == sha and stored.created
    files = [p for p in (tmp_path / "files").rglob("*") if p.is_file()]
    assert len(files) == 1
    on_disk = files[0].read_bytes()
    assert SECRET not in on_disk and b"13912345678" not in on_disk
    assert sha not in str(files[0])  # a known file's hash does not show it is here
    assert blobs.read(sha) == data
    assert blobs.check(sha) == files[0]
    with blobs.open(sha) as fh:
        assert fh.read(10) == data[:10]
    # The same content again is kept once.
    assert not blobs.put_stream(io.BytesIO(data)).created
    assert blobs.put_bytes(data) == sha
    assert len([p for p in (tmp_path / "files").rglob("*") if p.is_file()]) == 1
    # Another store's key opens nothing.
    other = BlobStore(tmp_path / "files", keyfile.new_data_key())
    assert not other.has(sha)
    path = blobs.path_for(sha)
    with pytest.raises(filecrypt.FileDecryptError), path.open("rb") as raw:
        b"".join(filecrypt.decrypt_chunks(keyfile.new_data_key(), raw))


@pytest.mark.parametrize("spoil", ["truncate_at_chunk", "truncate_mid", "swap_chunks",
                                   "flip_bit", "drop_last_chunk"])
def test_tampering_is_detected(tmp_path, key, spoil):
    blobs = BlobStore(tmp_path / "files", key)
    data = chat_log(3 * filecrypt.CHUNK + 100)
    sha = blobs.put_bytes(data)
    path = blobs.path_for(sha)
    raw = bytearray(path.read_bytes())
    head, block = filecrypt.HEADER_BYTES, filecrypt.CHUNK + filecrypt.TAG
    chunks = [bytes(raw[i:i + block]) for i in range(head, len(raw), block)]
    if spoil == "truncate_at_chunk":
        raw = raw[:head + 2 * block]
    elif spoil == "truncate_mid":
        raw = raw[:head + block + 500]
    elif spoil == "swap_chunks":
        raw = raw[:head] + chunks[1] + chunks[0] + b"".join(chunks[2:])
    elif spoil == "flip_bit":
        raw[head + block + 7] ^= 0x01
    else:
        raw = raw[:head] + b"".join(chunks[:-1])
    path.write_bytes(bytes(raw))
    with pytest.raises(BlobCorrupt):
        blobs.read(sha)
    with pytest.raises(BlobCorrupt):
        blobs.check(sha)


def test_a_large_file_is_streamed_not_held_in_memory(tmp_path, key):
    size = 50 * 1024 * 1024

    class Source(io.RawIOBase):
        def __init__(self) -> None:
            self.left = size
            self.digest = hashlib.sha256()

        def readable(self) -> bool:
            return True

        def readinto(self, b) -> int:
            n = min(len(b), self.left)
            chunk = bytes([self.left % 251]) * n
            b[:n] = chunk
            self.digest.update(chunk)
            self.left -= n
            return n

    blobs = BlobStore(tmp_path / "files", key)
    source = Source()
    tracemalloc.start()
    try:
        stored = blobs.put_stream(io.BufferedReader(source, 1 << 20))
        _, peak_write = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        blobs.check(stored.sha256)
        _, peak_read = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert stored.sha256 == source.digest.hexdigest() and stored.size == size
    # A few chunks of 1 MiB at a time, never the 50 MB (let alone three copies of it).
    assert peak_write < 8 * 1024 * 1024, peak_write
    assert peak_read < 8 * 1024 * 1024, peak_read


def test_an_empty_file_round_trips(tmp_path, key):
    blobs = BlobStore(tmp_path / "files", key)
    sha = blobs.put_bytes(b"")
    assert blobs.read(sha) == b""


def test_evidence_of_an_encrypted_store_is_unreadable_on_disk_and_exported_whole(tmp_path):
    with use_memory_keyring():
        store, _ = store_keys.create_encrypted_store(tmp_path / "data")
        ws = open_workstation(store, login="zhangmin")
        cases.intake_work_order(ws, complaint_form())
        blobs = files_of(store)
        assert blobs.encrypted
        data = chat_log(200_000)
        sha = blobs.put_bytes(data)
        assert SECRET not in blobs.path_for(sha).read_bytes()
        assert evidence.files_of(ws.store).read(sha) == data
        store.close()


def test_converting_a_plain_store_encrypts_its_files(tmp_path):
    folder = tmp_path / "data"
    store = open_store(folder)
    ws = open_workstation(store, login="zhangmin")
    cases.intake_work_order(ws, complaint_form())
    plain = files_of(store)
    shas = [plain.put_bytes(chat_log(n)) for n in (10, 70_000, filecrypt.CHUNK * 2 + 5)]
    contents = {sha: plain.read(sha) for sha in shas}
    store.close()
    with use_memory_keyring():
        new = store_keys.encrypt_existing_store(folder)
        store = store_keys.open_local_store(folder)
    blobs = files_of(store)
    assert blobs.plain_files() == []
    for sha, data in contents.items():
        assert not plain.path_for(sha).exists()  # the plain copy is gone
        assert blobs.read(sha) == data
    for path in (folder / "files").rglob("*"):
        if path.is_file():
            assert SECRET not in path.read_bytes()
    assert new.key == store.key
    store.close()


def test_an_interrupted_file_conversion_is_finished_at_the_next_open(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    store = open_store(folder)
    plain = files_of(store)
    shas = [plain.put_bytes(chat_log(n)) for n in (100, 200, 300)]
    store.close()
    real = BlobStore.encrypt_plain_files
    monkeypatch.setattr(BlobStore, "encrypt_plain_files",
                        lambda self, shred: (_ for _ in ()).throw(OSError("power cut")))
    with use_memory_keyring():
        with pytest.raises(OSError):
            store_keys.encrypt_existing_store(folder)
        assert store_keys.store_kind(folder) is store_keys.StoreKind.ENCRYPTED
        monkeypatch.setattr(BlobStore, "encrypt_plain_files", real)
        store = store_keys.open_local_store(folder)
        blobs = files_of(store)
        assert blobs.plain_files() == []
        assert all(blobs.read(sha) for sha in shas)
        store.close()
