"""Benchmark: PDF documents (DESIGN.md budgets).

    .venv/bin/python bench/documents.py            # 20 runs each
    .venv/bin/python bench/documents.py --runs 50  # more runs for the medians

Measured in one process, fonts found and loaded by a warm-up build first (as in the app,
where the first document of a session pays for reading the font files):
  a. a settlement agreement (2 parties, 2 clauses, final with its verification QR code,
     another content hash each run so the code is encoded anew): median time, file size;
  b. a 12-party agreement with 30 long clauses (18 pages): median build time (no budget);
  c. a dossier of 30 issued documents (records, agreements, notices; their PDFs already
     made, as a case's issued documents are): cover, 卷内目录, merge and page stamps;
  d. a group's agreements (the gym's closing: each member's own 调解书, rare name
     characters among them) in batches of 20 and 200, against LibreOffice (issue 18,
     item 6): a docxtpl template of the same agreement filled for each member, the .docx
     files converted by one ``soffice --headless --convert-to pdf`` call, against ours
     made by a fresh Python process (imports and fonts included: "whole process") and by
     a warm one (after a first batch: "warm"). Per document, and the ratio. Skipped with
     a note where soffice or docxtpl is missing (pip install -e '.[bench]').

    .venv/bin/python bench/documents.py --batches-only --runs 3
    .venv/bin/python bench/documents.py --batches-only --compare /tmp/wt-docs
                              # that checkout's agreements and this one's, alternately
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


# ------------------------------------------------------------------ d. a group's batches

BATCH_SIZES = (20, 200)
RATIO_AIM = 10.0  # issue 18: ours ≥ 10× faster per document than LibreOffice's


def load_samples():
    """This checkout's tests/documents/samples.py over whichever app is first on the
    path (a checkout from before a change has no group batch of its own)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "bench_samples", ROOT / "tests" / "documents" / "samples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def child(tree: str, count: int, out: str, warm: bool) -> None:
    """In a fresh process: ``tree``'s app makes the group's first ``count`` agreements into
    ``out``; with ``warm``, after a first batch of other members (fonts read, caches
    filled). Prints what it timed as JSON."""
    import json

    started = time.perf_counter()
    sys.path.insert(0, tree)
    from app.documents.agreement import render_agreements

    samples = load_samples()
    timings = {"imports_ms": (time.perf_counter() - started) * 1000}
    if warm:
        render_agreements(None, samples.group_batch(20, start=10_001))
    batch = samples.group_batch(count)
    start, cpu = time.perf_counter(), time.process_time()
    pdfs = render_agreements(None, batch)
    for n, pdf in enumerate(pdfs, start=1):
        (Path(out) / f"{n:04d}.pdf").write_bytes(pdf)
    timings["batch_ms"] = (time.perf_counter() - start) * 1000
    timings["batch_cpu_ms"] = (time.process_time() - cpu) * 1000
    timings["max_kb"] = max(len(p) for p in pdfs) / 1024
    print(json.dumps(timings))


def ours(tree: str, count: int, warm: bool) -> dict:
    """One fresh process of ``tree`` making ``count`` agreements: its own timings, and
    ``whole_ms`` from its spawn to its exit (``whole_cpu_ms``: the CPU it used)."""
    import json
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as out:
        start, cpu = time.perf_counter(), children_cpu()
        done = subprocess.run(
            [sys.executable, "-P", __file__, "--child", tree, str(count), out]
            + (["--warm"] if warm else []), capture_output=True, text=True, check=True)
        whole = (time.perf_counter() - start) * 1000
        whole_cpu = (children_cpu() - cpu) * 1000
        made = len(list(Path(out).glob("*.pdf")))
    if made != count:
        raise SystemExit(f"{tree}: {made} PDFs made of {count}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["whole_ms"], result["whole_cpu_ms"] = whole, whole_cpu
    return result


def children_cpu() -> float:
    """CPU seconds of the child processes waited for so far (soffice's own included):
    the machine is shared, and CPU time is what the others' load disturbs least."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def docx_template(path: Path, font: str) -> None:
    """The agreement as a docxtpl template, made with python-docx (no binary file in the
    repository): A4 with our margins, 四号 body in ``font``, the title, number line,
    parties, the sections, clauses, amounts, copies line, a table of signature blocks,
    the seal block, and a footer with 第 N 页 共 M 页 (fields), the number and the short
    hash. No QR code: LibreOffice's copies do a little less than ours."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(14)
    normal.font.name = font
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), font)
    normal.paragraph_format.line_spacing = Pt(26)

    def para(text: str, *, size: float | None = None, align=None, indent: bool = False):
        p = doc.add_paragraph()
        run = p.add_run(text)
        if size:
            run.font.size = Pt(size)
        if align is not None:
            p.alignment = align
        if indent:
            p.paragraph_format.first_line_indent = Pt(28)
        return p

    para("{{ title }}", size=22, align=WD_ALIGN_PARAGRAPH.CENTER)
    para("编号：{{ number }}", size=12, align=WD_ALIGN_PARAGRAPH.RIGHT)
    para("{%p for line in parties %}")
    para("{{ line }}", indent=True)
    para("{%p endfor %}")
    for label, key in (("纠纷主要事实：", "facts"), ("争议事项：", "disputes")):
        para(label)
        para("{{ " + key + " }}", indent=True)
    para("经调解，自愿达成如下协议：")
    para("{%p for clause in clauses %}")
    para("{{ clause }}", indent=True)
    para("{%p endfor %}")
    para("{{ amounts_label }}")
    para("{%p for amount in amounts %}")
    para("{{ amount }}", indent=True)
    para("{%p endfor %}")
    para("履行方式、时限：")
    para("{{ performance }}", indent=True)
    para("{{ copies }}", indent=True)
    table = doc.add_table(rows=3, cols=2)
    table.cell(0, 0).text = "{%tr for row in signatures %}"
    for col in range(2):
        cell = table.cell(1, col)
        cell.text = f"{{{{ row[{col}].caption }}}}"
        for line in ("＿＿＿＿＿＿＿＿＿＿", f"{{{{ row[{col}].name }}}}", "　　年　　月　　日"):
            cell.add_paragraph().add_run(line).font.size = Pt(12)
    table.cell(2, 0).text = "{%tr endfor %}"
    for line in ("{{ body }}", "{{ seal }}", "{{ dated }}"):
        para(line, align=WD_ALIGN_PARAGRAPH.RIGHT)

    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def field(instruction: str) -> None:
        simple = OxmlElement("w:fldSimple")
        simple.set(qn("w:instr"), instruction)
        run, text = OxmlElement("w:r"), OxmlElement("w:t")
        text.text = "1"
        run.append(text)
        simple.append(run)
        footer._p.append(simple)

    footer.add_run("第 ")
    field("PAGE")
    footer.add_run(" 页 共 ")
    field("NUMPAGES")
    footer.add_run(" 页")
    tail = section.footer.add_paragraph("编号：{{ number }}　校验码：{{ sha }}")
    tail.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    tail.runs[0].font.size = Pt(7.5)
    doc.save(path)


def docx_context(data) -> dict:
    """What the template prints of one agreement, worded by our own helpers."""
    from app.documents import wording
    from app.documents.agreement import default_signatories
    from app.documents.typography import amount_text, chinese_date, chinese_numeral, party_line

    words = wording.for_track(data.header.track)
    signers = list(default_signatories(data))
    if len(signers) % 2:
        signers.append(type(signers[0])(""))
    return {
        "title": words.agreement_title, "number": data.header.number,
        "sha": data.header.verification.content_sha256[:16],
        "parties": [party_line(p) for p in data.parties],
        "facts": data.facts, "disputes": data.disputes,
        "clauses": [f"{chinese_numeral(n)}、{c}" for n, c in enumerate(data.clauses, 1)],
        "amounts_label": f"{words.agreement_noun}所涉金额：",
        "amounts": [amount_text(a) for a in data.amounts],
        "performance": data.performance,
        "copies": f"{words.agreement_noun}一式{chinese_numeral(data.copies)}份，当事人各执一份，"
                  f"{data.header.committee.name}留存一份归档。",
        "signatures": [signers[i:i + 2] for i in range(0, len(signers), 2)],
        "body": data.header.committee.name,
        "seal": data.header.committee.seal_text or words.default_seal,
        "dated": chinese_date(data.signed_on),
    }


class LibreOffice:
    """docxtpl → ``soffice --headless --convert-to pdf``, with a profile of its own (made
    once, untimed: a desk's LibreOffice has one)."""

    def __init__(self, soffice: str, folder: Path, font: str) -> None:
        self.soffice, self.folder = soffice, folder
        self.profile = folder / "profile"
        self.template = folder / "agreement.docx"
        docx_template(self.template, font)
        warm = folder / "warm"
        warm.mkdir()
        self.render(load_samples().group_batch(1), warm)
        self.convert(warm)

    def render(self, batch, folder: Path) -> tuple[float, float]:
        """Fills the template for each agreement; the seconds it took, and its CPU."""
        from docxtpl import DocxTemplate

        start, cpu = time.perf_counter(), time.process_time()
        for n, data in enumerate(batch, start=1):
            doc = DocxTemplate(self.template)
            doc.render(docx_context(data))
            doc.save(folder / f"{n:04d}.docx")
        return time.perf_counter() - start, time.process_time() - cpu

    def convert(self, folder: Path) -> tuple[float, float]:
        """Every .docx of ``folder`` to PDF in one soffice call; the seconds it took, and
        the CPU soffice used."""
        import subprocess

        files = sorted(str(p) for p in folder.glob("*.docx"))
        start, cpu = time.perf_counter(), children_cpu()
        subprocess.run([self.soffice, f"-env:UserInstallation={self.profile.as_uri()}",
                        "--headless", "--convert-to", "pdf", "--outdir", str(folder), *files],
                       check=True, capture_output=True)
        seconds, used = time.perf_counter() - start, children_cpu() - cpu
        made = len(list(folder.glob("*.pdf")))
        if made != len(files):
            raise SystemExit(f"soffice made {made} PDFs of {len(files)}")
        return seconds, used

    def batch(self, count: int) -> dict:
        folder = self.folder / f"batch-{count}-{time.monotonic_ns()}"
        folder.mkdir()
        render, render_cpu = self.render(load_samples().group_batch(count), folder)
        convert, convert_cpu = self.convert(folder)
        return {"convert_ms": convert * 1000, "whole_ms": (render + convert) * 1000,
                "convert_cpu_ms": convert_cpu * 1000,
                "whole_cpu_ms": (render_cpu + convert_cpu) * 1000,
                "max_kb": max(p.stat().st_size for p in folder.glob("*.pdf")) / 1024}


def libreoffice_missing() -> str:
    import importlib.util
    import shutil

    missing = []
    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        missing.append("soffice (apt-get install libreoffice-writer-nogui)")
    if importlib.util.find_spec("docxtpl") is None:
        missing.append("docxtpl (pip install -e '.[bench]')")
    return ", ".join(missing)


def spread(values: list[float]) -> str:
    """min–median–max"""
    return (f"{min(values):7.1f} {statistics.median(values):7.1f} {max(values):7.1f}")


def batches(trees: list[str], names: dict[str, str], sizes: list[int], runs: int) -> bool:
    """d.: each batch size ``runs`` times, LibreOffice and each checkout's app in turn."""
    import shutil
    import tempfile

    from app.documents.fonts import default_fonts

    missing = libreoffice_missing()
    print(f"\nd. a group's agreements in batches of {', '.join(map(str, sizes))} "
          f"(min median max of {runs} runs)")
    if missing:
        print(f"  LibreOffice's side skipped: {missing} not installed")
    figures: dict[tuple[str, int], list[dict]] = {}
    with tempfile.TemporaryDirectory() as folder:
        office = None
        if not missing:
            soffice = shutil.which("soffice") or shutil.which("libreoffice")
            office = LibreOffice(soffice, Path(folder), default_fonts().main.family)
        for run in range(runs):
            print(f"  run {run + 1} of {runs} …", file=sys.stderr, flush=True)
            for count in sizes:
                if office is not None:
                    figures.setdefault(("libreoffice", count), []).append(office.batch(count))
                for tree in (trees if run % 2 == 0 else trees[::-1]):
                    figures.setdefault((f"{tree}:whole", count), []).append(
                        ours(tree, count, warm=False))
                    figures.setdefault((f"{tree}:warm", count), []).append(
                        ours(tree, count, warm=True))

    ok = True
    for clock, key, warm_key in (("wall", "whole_ms", "batch_ms"),
                                 ("CPU", "whole_cpu_ms", "batch_cpu_ms")):
        print(f"  per document, ms of {clock} time{'':<22}{'min':>7} {'median':>7} {'max':>7}"
              f"   largest")
        for count in sizes:
            print(f"  batch of {count}")
            office = None
            if ("libreoffice", count) in figures:
                rows = figures[("libreoffice", count)]
                office = [r[key] / count for r in rows]
                print(f"    {'LibreOffice: docxtpl + one soffice call':<46}{spread(office)}"
                      f"   {max(r['max_kb'] for r in rows):5.0f} KB")
                soffice = [r[key.replace("whole", "convert")] / count for r in rows]
                print(f"    {'  of which soffice':<46}{spread(soffice)}")
            for tree in trees:
                name = f" {names[tree]}" if names[tree] else ""
                whole = [r[key] / count for r in figures[(f"{tree}:whole", count)]]
                warm_rows = figures[(f"{tree}:warm", count)]
                warm = [r[warm_key] / count for r in warm_rows]
                largest = max(r["max_kb"] for r in warm_rows)
                print(f"    {f'ours{name}: whole process':<46}{spread(whole)}"
                      f"   {largest:5.0f} KB")
                print(f"    {f'ours{name}: warm':<46}{spread(warm)}")
                ok &= largest < AGREEMENT_SIZE_BUDGET_KB
                if office is None:
                    continue
                # Each run's LibreOffice against the same run's ours: the load of the
                # shared machine changes from run to run more than within one.
                for label, mine in (("whole process", whole), ("warm", warm)):
                    ratios = [o / m for o, m in zip(office, mine, strict=True)]
                    print(f"    {f'LibreOffice ÷ ours{name}, {label}, ×':<46}"
                          f"{spread(ratios)}")
                    if tree == trees[-1] and label == "warm" and clock == "wall":
                        ok &= statistics.median(ratios) >= RATIO_AIM
    if any(("libreoffice", c) in figures for c in sizes):
        print(f"  aim: ours warm ≥ {RATIO_AIM:.0f}× faster per document than LibreOffice "
              f"(wall, median of the runs) — {'met' if ok else 'NOT met'}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="runs per measure (default 20)")
    parser.add_argument("--batch-runs", type=int, default=3,
                        help="runs of each batch in d. (default 3)")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(BATCH_SIZES),
                        help="batch sizes in d.")
    parser.add_argument("--batches-only", action="store_true", help="only d.")
    parser.add_argument("--no-batches", action="store_true", help="a. to c. only")
    parser.add_argument("--tree", type=Path, default=ROOT,
                        help="the checkout whose app is measured in d. (default: this one)")
    parser.add_argument("--compare", type=Path,
                        help="another checkout (before a change), measured alternately in d.")
    parser.add_argument("--child", nargs=3, metavar=("TREE", "COUNT", "OUT"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--warm", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        tree, count, out = args.child
        child(tree, int(count), out, args.warm)
        return 0
    trees = [str(t.resolve()) for t in ([args.compare] if args.compare else []) + [args.tree]]
    names = {trees[0]: "before", trees[-1]: "after"} if args.compare else {trees[0]: ""}
    if args.batches_only:
        ok = batches(trees, names, args.sizes, args.batch_runs)
        print()
        print("all within budget" if ok else "over budget")
        return 0 if ok else 1

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

    if not args.no_batches:
        ok &= batches(trees, names, args.sizes, args.batch_runs)

    print()
    print("all within budget" if ok else "over budget")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
