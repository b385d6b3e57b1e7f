"""Peak memory of this process alone, for the benchmarks' RSS figures.

``getrusage(RUSAGE_SELF).ru_maxrss`` is not that on Linux: the kernel keeps the
process's maximum across exec, and a child started by fork/vfork + exec begins with
its parent's resident size at that moment. A bench that first built a 1,000,000-case
store therefore reported the parent's 1.5 GB as the window's peak. ``VmHWM`` in
/proc/self/status is the high-water mark of the current address space, which exec
replaces: the figure of this program only.
"""

from __future__ import annotations

import resource
import sys
from pathlib import Path


def peak_rss_mb() -> float:
    """This process's own peak resident set size, in MB (MiB)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    # Elsewhere ru_maxrss is the best there is (bytes on macOS, kB on the BSDs).
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def children_peak_rss_mb() -> list[float]:
    """The peak resident size of each living child process (the import's worker
    processes, kept between maps), in MB; empty where /proc is missing."""
    me = str(Path("/proc/self").resolve().name)
    peaks = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if fields[1] != me:  # the parent's pid
                continue
            if b"spawn_main" not in (stat.parent / "cmdline").read_bytes():
                continue  # multiprocessing's resource tracker, no worker
            for line in (stat.parent / "status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        except (OSError, IndexError):
            continue  # it ended meanwhile
    return sorted(peaks, reverse=True)
