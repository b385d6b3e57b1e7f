"""Benchmark: PDF documents (DESIGN.md budgets).

    .venv/bin/python bench/documents.py            # 20 runs each
    .venv/bin/python bench/documents.py --runs 50  # more runs for the medians

Measured in one process, fonts found and loaded by a warm-up build first (as in the app,
where the first document of a session pays for reading the font files):
  a. a settlement agreement (2 parties, 2 clauses, final with its verification QR code,
     another content hash each run so the code is encoded anew): median time, file size;
  b. a 12-party agreement with 30 long clauses (18 pages): median build time (no budget);
  c. a dossier of 30 issued documents (records, agreements, notices; their PDFs already
     made, as a case's issued documents are): cover, 卷内目录, merge and page stamps.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# bench/queue.py would shadow the standard library's queue module: keep bench/ off the path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
sys.path.insert(0, str(ROOT))

AGREEMENT_BUDGET_MS = 100.0
AGREEMENT_SIZE_BUDGET_KB = 200.0
DOSSIER_BUDGET_MS = 2000.0
DOSSIER_DOCUMENTS = 30


def verdict(value: float, budget: float) -> str:
    return f"(budget {budget:,.0f})  {'PASS' if value < budget else 'FAIL'}"


def line(label: str, value: float, unit: str, budget: float | None = None) -> bool:
    tail = verdict(value, budget) if budget is not None else ""
    print(f"  {label:<58}{value:>9.1f} {unit:<3}{tail}")
    return budget is None or value < budget


def timed(build, data, runs: int, vary=None) -> tuple[list[float], bytes]:
    times, pdf = [], b""
    for run in range(runs):
        if vary is not None:
            data = vary(data, run)
        out = io.BytesIO()
        start = time.perf_counter()
        build(data, out)
        times.append((time.perf_counter() - start) * 1000)
        pdf = out.getvalue()
    return times, pdf


def fresh_hash(data, run: int):
    """Another content hash each run: every QR code is encoded anew, none cached."""
    from dataclasses import replace

    verification = replace(data.header.verification, content_sha256=f"{run:064x}")
    return replace(data, header=replace(data.header, verification=verification))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="runs per measure (default 20)")
    args = parser.parse_args()

    from app.documents.agreement import build_agreement
    from app.documents.data import DossierEntry
    from app.documents.dossier import build_dossier
    from app.documents.fonts import default_fonts
    from app.documents.notices import build_notice
    from app.documents.session_record import build_session_record
    from tests.documents import samples

    start = time.perf_counter()
    fonts = default_fonts()
    timed(build_agreement, samples.agreement(), 1)  # warm-up: fonts read, registered
    first = (time.perf_counter() - start) * 1000
    print(f"main font: {fonts.main.family} ({fonts.main.path})")
    print(f"fallbacks: {', '.join(f.path.name for f in fonts.fallbacks) or 'none'}")
    line("first document of the process (font discovery + load)", first, "ms")

    ok = True
    print(f"\na. settlement agreement, 2 parties, final (median of {args.runs})")
    times, pdf = timed(build_agreement, samples.agreement(), args.runs, fresh_hash)
    ok &= line("build", statistics.median(times), "ms", AGREEMENT_BUDGET_MS)
    line("build, max", max(times), "ms")
    ok &= line("file size", len(pdf) / 1024, "KB", AGREEMENT_SIZE_BUDGET_KB)

    print(f"\nb. agreement, 12 parties, 30 long clauses (median of {max(3, args.runs // 4)})")
    times, pdf = timed(build_agreement, samples.big_agreement(), max(3, args.runs // 4))
    line("build", statistics.median(times), "ms")
    line("file size", len(pdf) / 1024, "KB")

    print(f"\nc. dossier of {DOSSIER_DOCUMENTS} issued documents (median of "
          f"{max(3, args.runs // 4)})")
    kinds = [("人民调解记录", build_session_record, samples.session_record()),
             ("人民调解协议书", build_agreement, samples.agreement()),
             ("终止调解告知书", build_notice, samples.notice())]
    start = time.perf_counter()
    entries = []
    for i in range(DOSSIER_DOCUMENTS):
        title, build, data = kinds[i % len(kinds)]
        out = io.BytesIO()
        build(data, out)
        entries.append(DossierEntry(title, out.getvalue()))
    line(f"making the {DOSSIER_DOCUMENTS} documents themselves",
         (time.perf_counter() - start) * 1000, "ms")
    times, pdf = timed(build_dossier, samples.dossier(entries), max(3, args.runs // 4))
    ok &= line("build_dossier", statistics.median(times), "ms", DOSSIER_BUDGET_MS)
    line("file size", len(pdf) / 1024, "KB")

    print()
    print("all within budget" if ok else "over budget")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
