"""Previews rendered in worker processes with a memory cap and a time limit.

A picture or PDF may come from anyone with a central login. Decoding it in the app
would let a hostile one take the app's memory (a 126 KB PDF of 5 million drawing
operations took 1.8 GB) and time, and before this the shared PDFium lock with it. So
every picture preview and every PDF page (evidence, and the documents' pages, whose
final PDFs come from the central database too) is rendered by
app/services/preview_worker.py in a process of its own, capped at ``memory_bytes`` of
address space; an answer that takes longer than ``seconds`` gets the process killed.
Either way the caller gets ``PreviewFailed`` and shows 无法预览.

Workers are kept warm (the start costs ~0.2 s) and several run at once, so a hostile
file never holds up another preview: a call takes an idle worker, or starts one while
fewer than ``max_workers`` are busy. Thread-safe; called from the task runner's
threads, never the GUI thread.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from app.core.errors import UserFacingError
from app.services.preview_worker import WORKER_ARG, read_frame, write_frame

DEFAULT_MEMORY_BYTES = 512 * 1024 * 1024
DEFAULT_SECONDS = 3.0
MAX_REPLY_BYTES = 256 * 1024 * 1024
_ROOT = Path(__file__).resolve().parents[2]  # the folder holding the ``app`` package


class PreviewProblem(StrEnum):
    TIME = "time"  # took longer than the limit: the worker was stopped
    MEMORY = "memory"  # wanted more memory than the cap (or died of it)
    TOO_LARGE = "too_large"  # more pixels or pages than a preview draws
    UNREADABLE = "unreadable"  # not a picture / PDF this can read
    FAILED = "failed"  # the worker could not be started or broke the protocol


class PreviewFailed(UserFacingError):
    def __init__(self, problem: PreviewProblem, detail: str = "") -> None:
        self.problem = problem
        super().__init__(f"preview {problem.value}{': ' + detail if detail else ''}")


class PreviewCancelled(Exception):
    """The caller stopped waiting (its task was cancelled)."""


@dataclass(frozen=True)
class Bitmap:
    width: int
    height: int
    stride: int
    format: str  # RGB888 / RGBA8888 (pictures), BGRA (transparent PDF page), BGRx (white)
    pixels: bytes
    pages: int = 0  # of a PDF


@dataclass(frozen=True)
class PdfInfo:
    pages: int
    sizes: tuple[tuple[float, float], ...]  # in points


_WORKER_ERRORS = {"memory": PreviewProblem.MEMORY, "too_large": PreviewProblem.TOO_LARGE}


def worker_command(memory_bytes: int) -> list[str]:
    """The command that starts a worker. A frozen (PyInstaller) app has no Python to run
    ``-m`` with: its own binary takes the hidden first argument WORKER_ARG instead
    (app/cli/command.py)."""
    if getattr(sys, "frozen", False):
        binary = Path(sys.executable)
        # Windows: the windowed binary has no standard streams; its console twin has.
        console = binary.with_name(f"{binary.stem}-cli{binary.suffix}")
        if sys.platform == "win32" and console.exists():
            binary = console
        return [str(binary), WORKER_ARG, str(memory_bytes)]
    return [sys.executable, "-m", "app.services.preview_worker", str(memory_bytes)]


class _Worker:
    """One worker process and the thread that reads its answers."""

    def __init__(self, memory_bytes: int) -> None:
        env = dict(os.environ)
        if not getattr(sys, "frozen", False):
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_ROOT), env.get("PYTHONPATH")]))
        self.proc = subprocess.Popen(
            worker_command(memory_bytes),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            env=env, cwd=str(_ROOT),
            creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))  # Windows: no console
        self.answers: queue.Queue[tuple[dict[str, Any], bytes] | None] = queue.Queue()
        threading.Thread(target=self._read, name="preview-worker-reader", daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        try:
            while True:
                frame = read_frame(self.proc.stdout, max_payload=MAX_REPLY_BYTES)
                self.answers.put(frame)
                if frame is None:
                    return
        except (OSError, ValueError):
            self.answers.put(None)

    def call(self, header: dict[str, Any], payload: bytes, seconds: float,
             cancelled: Callable[[], bool] | None) -> tuple[dict[str, Any], bytes]:
        assert self.proc.stdin is not None
        try:
            write_frame(self.proc.stdin, header, payload)
        except OSError as exc:
            raise PreviewFailed(PreviewProblem.FAILED, "worker gone") from exc
        deadline = time.monotonic() + seconds
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise PreviewFailed(PreviewProblem.TIME)
            if cancelled is not None and cancelled():
                raise PreviewCancelled()
            try:
                answer = self.answers.get(timeout=min(left, 0.1))
            except queue.Empty:
                continue
            if answer is None:  # it died: the memory cap (PDFium aborts) or a crash
                raise PreviewFailed(PreviewProblem.MEMORY, "worker ended")
            return answer

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass


class PreviewPool:
    def __init__(self, *, memory_bytes: int = DEFAULT_MEMORY_BYTES,
                 seconds: float = DEFAULT_SECONDS, max_workers: int = 3,
                 keep: int = 2) -> None:
        self.memory_bytes = memory_bytes
        self.seconds = seconds
        self.max_workers = max_workers
        self.keep = keep  # idle workers kept warm
        self._idle: list[_Worker] = []
        self._busy = 0
        self._closed = False
        self._lock = threading.Condition()
        self.started = 0  # workers started, for tests and the bench

    # ------------------------------------------------------------ workers

    def _take(self) -> _Worker:
        with self._lock:
            while True:
                if self._closed:
                    raise PreviewFailed(PreviewProblem.FAILED, "closed")
                while self._idle:
                    worker = self._idle.pop()
                    if worker.alive():
                        self._busy += 1
                        return worker
                    worker.kill()
                if self._busy < self.max_workers:
                    self._busy += 1
                    break
                self._lock.wait()
        try:
            worker = _Worker(self.memory_bytes)
        except OSError as exc:
            self._release(None)
            raise PreviewFailed(PreviewProblem.FAILED, "cannot start") from exc
        with self._lock:
            self.started += 1
        return worker

    def _release(self, worker: _Worker | None) -> None:
        with self._lock:
            self._busy -= 1
            if worker is not None and not self._closed and len(self._idle) < self.keep:
                self._idle.append(worker)
                worker = None
            self._lock.notify()
        if worker is not None:
            worker.kill()

    def warm(self) -> None:
        """Start a worker now (in the background) so the first preview does not wait."""
        with self._lock:
            if self._idle or self._busy or self._closed:
                return
            self._busy += 1
        try:
            worker = _Worker(self.memory_bytes)
        except OSError:
            self._release(None)
            return
        with self._lock:
            self.started += 1
        self._release(worker)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
            self._lock.notify_all()
        for worker in idle:
            worker.kill()

    # ------------------------------------------------------------ calls

    def _call(self, header: dict[str, Any], payload: bytes,
              cancelled: Callable[[], bool] | None) -> tuple[dict[str, Any], bytes]:
        worker = self._take()
        keep: _Worker | None = None
        try:
            answer, data = worker.call(header, payload, self.seconds, cancelled)
            keep = worker
        finally:
            # A worker that overran, died or was abandoned is stopped, never reused.
            self._release(keep)
            if keep is None:
                worker.kill()
        if not answer.get("ok"):
            error = str(answer.get("error", ""))
            raise PreviewFailed(_WORKER_ERRORS.get(error, PreviewProblem.UNREADABLE), error)
        return answer, data

    def image(self, data: bytes, max_side: int, *,
              cancelled: Callable[[], bool] | None = None) -> Bitmap:
        """A picture decoded and scaled to at most ``max_side`` pixels a side."""
        answer, pixels = self._call({"op": "image", "max_side": int(max_side)}, data, cancelled)
        return _bitmap(answer, pixels)

    def pdf_info(self, data: bytes, *, cancelled: Callable[[], bool] | None = None) -> PdfInfo:
        answer, _ = self._call({"op": "pdf_info"}, data, cancelled)
        sizes = answer.get("sizes")
        if not isinstance(sizes, list) or answer.get("pages") != len(sizes):
            raise PreviewFailed(PreviewProblem.FAILED, "bad answer")
        try:
            return PdfInfo(len(sizes), tuple((float(w), float(h)) for w, h in sizes))
        except (TypeError, ValueError):
            raise PreviewFailed(PreviewProblem.FAILED, "bad answer") from None

    def pdf_page(self, data: bytes, index: int, *, scale: float | None = None,
                 max_side: int | None = None, white: bool = True,
                 cancelled: Callable[[], bool] | None = None) -> Bitmap:
        """Page ``index`` at ``scale`` (pixels per point) or fitted into ``max_side``;
        on white (BGRx) or transparent (BGRA)."""
        header: dict[str, Any] = {"op": "pdf_page", "index": int(index),
                                  "format": "BGRx" if white else "BGRA"}
        if max_side is not None:
            header["max_side"] = int(max_side)
        else:
            header["scale"] = float(scale or 1.0)
        answer, pixels = self._call(header, data, cancelled)
        return _bitmap(answer, pixels)


_DEPTH = {"RGBA8888": 4, "RGB888": 3, "BGRA": 4, "BGRx": 4}  # bytes per pixel


def _bitmap(answer: dict[str, Any], pixels: bytes) -> Bitmap:
    """The worker's answer, checked: it is another process, not to be taken on trust."""
    width, height, stride = answer.get("width"), answer.get("height"), answer.get("stride")
    fmt = answer.get("format")
    pages = answer.get("pages", 0)
    depth = _DEPTH.get(str(fmt), 0)
    if not (isinstance(width, int) and isinstance(height, int) and isinstance(stride, int)
            and isinstance(pages, int) and 0 < width <= 65535 and 0 < height <= 65535
            and depth and stride >= width * depth and len(pixels) == stride * height):
        raise PreviewFailed(PreviewProblem.FAILED, "bad answer")
    return Bitmap(width, height, stride, str(fmt), pixels, pages)


_default: PreviewPool | None = None
_default_lock = threading.Lock()


def default_pool() -> PreviewPool:
    """The app's pool (made on first use)."""
    global _default
    with _default_lock:
        if _default is None or _default._closed:
            _default = PreviewPool()
        return _default


def shutdown() -> None:
    """Stop the app's workers (at exit)."""
    global _default
    with _default_lock:
        pool, _default = _default, None
    if pool is not None:
        pool.close()
