"""The preview worker process: decodes pictures (Pillow) and renders PDF pages
(PDFium) for the app, so a hostile file spends its own process's memory and time.

Started by app/services/previews.py as ``python -m app.services.preview_worker
MEMORY_BYTES`` (a frozen app: ``mediation-desk --preview-worker MEMORY_BYTES``); it caps its address space (RLIMIT_AS) and core dumps first, then
answers requests on stdin/stdout one at a time. Frames are a 4-byte length, a JSON
header and ``size`` bytes of payload: JSON, not pickle, so a worker taken over by a
file cannot make the app run anything. No Qt, no database.
"""

from __future__ import annotations

import io
import json
import os
import struct
import sys
import warnings
from typing import Any, BinaryIO

MAX_PIXELS = 48_000_000  # a PDF page drawn: an A4 page at 600 dpi is 35 million
MAX_PICTURE_PIXELS = 120_000_000  # a 108-megapixel phone photo (JPEG decodes at 1/8)
MAX_PAGES = 10_000
_LENGTH = struct.Struct(">I")
WORKER_ARG = "--preview-worker"  # hidden first argument of a frozen app's binary


class Refused(Exception):
    """A request this worker will not do (the reason goes back as a word)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def read_frame(stream: BinaryIO, *, max_header: int = 1 << 16,
               max_payload: int = 1 << 30) -> tuple[dict[str, Any], bytes] | None:
    """One frame, or None at the end of the stream. ValueError for a malformed one."""
    raw = _read_exactly(stream, _LENGTH.size)
    if raw is None:
        return None
    (length,) = _LENGTH.unpack(raw)
    if length > max_header:
        raise ValueError("header too long")
    text = _read_exactly(stream, length)
    if text is None:
        raise ValueError("cut short")
    header = json.loads(text)
    if not isinstance(header, dict):
        raise ValueError("header is not an object")
    size = header.get("size", 0)
    if not isinstance(size, int) or not 0 <= size <= max_payload:
        raise ValueError("bad payload size")
    payload = _read_exactly(stream, size) if size else b""
    if payload is None:
        raise ValueError("cut short")
    return header, payload


def write_frame(stream: BinaryIO, header: dict[str, Any], payload: bytes | memoryview = b""
                ) -> None:
    text = json.dumps({**header, "size": len(payload)}).encode("utf-8")
    stream.write(_LENGTH.pack(len(text)) + text)
    if len(payload):
        stream.write(payload)
    stream.flush()


def _read_exactly(stream: BinaryIO, n: int) -> bytes | None:
    chunks = []
    left = n
    while left:
        chunk = stream.read(left)
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


# ---------------------------------------------------------------- the work


def _image(header: dict[str, Any], data: bytes) -> tuple[dict[str, Any], bytes]:
    from PIL import Image, ImageOps

    max_side = int(header["max_side"])
    Image.MAX_IMAGE_PIXELS = MAX_PICTURE_PIXELS  # above it: a warning, made an error here
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
            # JPEG: decode at 1/2 … 1/8 size, down to no less than half the side asked
            # (the pane is smaller than that; a full decode and resize costs 3× the time)
            image.draft("RGB", (max_side // 2, max_side // 2))
            image = ImageOps.exif_transpose(image)  # phone photos: upright as taken
            # reduce() by whole factors first, then a bilinear step: fast and smooth
            image.thumbnail((max_side, max_side), Image.Resampling.BILINEAR,
                            reducing_gap=2.0)
            see_through = image.mode in ("RGBA", "LA", "PA") or (
                image.mode == "P" and "transparency" in image.info)
            image = image.convert("RGBA" if see_through else "RGB")
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise Refused("too_large") from None
        except (OSError, ValueError, SyntaxError, EOFError):
            raise Refused("unreadable") from None
    # RGB when nothing is see-through: a quarter less to send
    fmt, depth = ("RGBA8888", 4) if see_through else ("RGB888", 3)
    return ({"width": image.width, "height": image.height, "stride": image.width * depth,
             "format": fmt}, image.tobytes())


def _open_pdf(data: bytes):  # pypdfium2 is imported here only
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        raise Refused("unreadable") from None
    if len(doc) > MAX_PAGES:
        doc.close()
        raise Refused("too_large")
    return doc


def _pdf_info(header: dict[str, Any], data: bytes) -> tuple[dict[str, Any], bytes]:
    doc = _open_pdf(data)
    try:
        sizes = [list(doc.get_page_size(n)) for n in range(len(doc))]
    finally:
        doc.close()
    return {"pages": len(sizes), "sizes": sizes}, b""


def _pdf_page(header: dict[str, Any], data: bytes) -> tuple[dict[str, Any], bytes]:
    import pypdfium2.raw as pdfium_raw

    doc = _open_pdf(data)
    try:
        pages = len(doc)
        index = int(header.get("index", 0))
        if not 0 <= index < pages:
            raise Refused("no_page")
        page = doc[index]
        width, height = page.get_size()
        if "max_side" in header:
            scale = float(header["max_side"]) / max(width, height, 1.0)
        else:
            scale = float(header["scale"])
        if not 0 < scale <= 20 or width * height * scale * scale > MAX_PIXELS:
            raise Refused("too_large")
        white = header.get("format") == "BGRx"
        bitmap = page.render(
            scale=scale, fill_color=(255, 255, 255, 255) if white else (255, 255, 255, 0),
            force_bitmap_format=pdfium_raw.FPDFBitmap_BGRx if white
            else pdfium_raw.FPDFBitmap_BGRA)
        reply = {"width": bitmap.width, "height": bitmap.height, "stride": bitmap.stride,
                 "format": "BGRx" if white else "BGRA", "pages": pages}
        pixels = bytes(bitmap.buffer)
        bitmap.close()
        page.close()
    finally:
        doc.close()
    return reply, pixels


_OPS = {"image": _image, "pdf_info": _pdf_info, "pdf_page": _pdf_page}


def _limit(memory_bytes: int) -> None:
    try:
        import resource
    except ImportError:  # Windows: no rlimits
        _limit_windows(memory_bytes)
        return
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # no core file full of evidence


_JOB = None  # the Windows job object's handle, held for the life of the process


def _limit_windows(memory_bytes: int) -> None:
    """Windows: this process in a job object whose per-process committed memory is
    capped (JOB_OBJECT_LIMIT_PROCESS_MEMORY). Not exercised by the test suite, which
    runs on Linux; on failure the worker runs without a cap (the time limit holds)."""
    global _JOB
    import ctypes
    from ctypes import wintypes

    class Basic(ctypes.Structure):
        _fields_ = [("PerProcessUserTimeLimit", ctypes.c_int64),
                    ("PerJobUserTimeLimit", ctypes.c_int64),
                    ("LimitFlags", wintypes.DWORD),
                    ("MinimumWorkingSetSize", ctypes.c_size_t),
                    ("MaximumWorkingSetSize", ctypes.c_size_t),
                    ("ActiveProcessLimit", wintypes.DWORD),
                    ("Affinity", ctypes.c_size_t),
                    ("PriorityClass", wintypes.DWORD),
                    ("SchedulingClass", wintypes.DWORD)]

    class Counters(ctypes.Structure):
        _fields_ = [(name, ctypes.c_uint64) for name in (
            "ReadOperationCount", "WriteOperationCount", "OtherOperationCount",
            "ReadTransferCount", "WriteTransferCount", "OtherTransferCount")]

    class Extended(ctypes.Structure):
        _fields_ = [("BasicLimitInformation", Basic), ("IoInfo", Counters),
                    ("ProcessMemoryLimit", ctypes.c_size_t),
                    ("JobMemoryLimit", ctypes.c_size_t),
                    ("PeakProcessMemoryUsed", ctypes.c_size_t),
                    ("PeakJobMemoryUsed", ctypes.c_size_t)]

    limit_process_memory, extended_limit_information = 0x100, 9
    try:
        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        kernel32.CreateJobObjectW.restype = wintypes.HANDLE
        kernel32.GetCurrentProcess.restype = wintypes.HANDLE
        job = kernel32.CreateJobObjectW(None, None)
        info = Extended()
        info.BasicLimitInformation.LimitFlags = limit_process_memory
        info.ProcessMemoryLimit = memory_bytes
        if job and kernel32.SetInformationJobObject(
                wintypes.HANDLE(job), extended_limit_information, ctypes.byref(info),
                ctypes.sizeof(info)) and kernel32.AssignProcessToJobObject(
                wintypes.HANDLE(job), wintypes.HANDLE(kernel32.GetCurrentProcess())):
            _JOB = job
    except (OSError, AttributeError, ValueError):
        pass


def serve(requests: BinaryIO, replies: BinaryIO) -> None:
    while True:
        frame = read_frame(requests)
        if frame is None:
            return
        header, payload = frame
        op = _OPS.get(str(header.get("op")))
        try:
            if op is None:
                raise Refused("unknown_op")
            reply, pixels = op(header, payload)
        except Refused as exc:
            write_frame(replies, {"ok": False, "error": exc.reason})
        except MemoryError:
            write_frame(replies, {"ok": False, "error": "memory"})
        except Exception as exc:  # a broken file is a refusal, not a crash
            write_frame(replies, {"ok": False, "error": "unreadable",
                                  "detail": type(exc).__name__})
        else:
            write_frame(replies, {"ok": True, **reply}, pixels)
        del payload


def main(argv: list[str]) -> int:
    memory = int(argv[1]) if len(argv) > 1 else 0
    # The protocol owns stdout: anything a library prints goes to stderr instead.
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    if memory:
        _limit(memory)
    requests = sys.stdin.buffer
    try:
        serve(requests, replies)
    except (BrokenPipeError, ValueError):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
