"""Work-arounds for defects of the Qt binding, kept in one place.

PySide6 6.12.0 on Python 3.11: ``SignalInstance.emit()`` and ``.disconnect()`` return
``True``/``False`` without taking a reference to it, so every call from Python drops
the interpreter's count of ``True`` by one. After a few hundred emits the count reaches
zero and the process aborts with "Fatal Python error: bool_dealloc". (Python 3.12+
makes ``True`` immortal, which hides the defect.) Every Python-side emit and disconnect
in app/ui goes through ``emit`` / ``disconnect`` below, which give the reference back
when — and only when — a probe at import time shows the binding drops it.

PySide6 6.12.0 also drops a reference to ``None`` on every void call made from Python
(``update()``, ``setText()``, ...): a working day of ticking timers takes its count to
zero. The project requires another version (pyproject); should a binding with the
defect be installed anyway, ``None`` gets references enough for any session (as
Python 3.12 makes it immortal).
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance

_incref = ctypes.pythonapi.Py_IncRef
_incref.argtypes = [ctypes.py_object]
_incref.restype = None


class _Probe(QObject):
    ping = Signal()


def _slot() -> None:
    pass


def _probe() -> tuple[bool, bool]:
    """(emit drops a reference, disconnect drops a reference), measured; the
    references the probe itself dropped are given back."""
    probe = _Probe()
    before = sys.getrefcount(True)
    probe.ping.emit()
    emit_drops = sys.getrefcount(True) < before
    if emit_drops:
        _incref(True)
    probe.ping.connect(_slot)
    before = sys.getrefcount(True)
    probe.ping.disconnect(_slot)
    disconnect_drops = sys.getrefcount(True) < before
    if disconnect_drops:
        _incref(True)
    return emit_drops, disconnect_drops


EMIT_DROPS_REFERENCE, DISCONNECT_DROPS_REFERENCE = _probe()


def _void_calls_drop_none() -> bool:
    probe = _Probe()
    before = sys.getrefcount(None)
    for _ in range(50):
        probe.setObjectName("probe")
    dropped = before - sys.getrefcount(None)
    for _ in range(max(0, dropped)):
        _incref(None)
    return dropped >= 40  # every call, not some unrelated release


VOID_CALLS_DROP_NONE = _void_calls_drop_none()
if VOID_CALLS_DROP_NONE:  # pragma: no cover - only with the defective binding
    ctypes.c_ssize_t.from_address(id(None)).value += 1 << 40


def emit(signal: SignalInstance, *args: Any) -> None:
    """``signal.emit(*args)``, without the binding's reference leak."""
    result = signal.emit(*args)
    if EMIT_DROPS_REFERENCE and isinstance(result, bool):
        _incref(result)


def disconnect(signal: SignalInstance, slot: Any) -> None:
    """``signal.disconnect(slot)``, without the binding's reference leak."""
    result = signal.disconnect(slot)
    if DISCONNECT_DROPS_REFERENCE and isinstance(result, bool):
        _incref(result)
