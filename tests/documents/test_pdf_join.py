"""Joining PDFs for one print job (app/documents/pdf_join.py): every page of every PDF,
each PDF as many times as its copies, in order, fonts intact (the text reads back), and
memory that does not grow with the job."""

from __future__ import annotations

import io

from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from app.documents.pdf_join import join_pdfs
from app.documents.typography import Composer


def _pdf(title: str, pages: int) -> bytes:
    """A document laid out as ours are: the CJK font embedded, a page per line."""
    out = io.BytesIO()
    c = Composer(None)
    story = []
    for n in range(pages):
        story += c.body(f"{title}第{n + 1}页")
        if n + 1 < pages:
            from reportlab.platypus import PageBreak

            story.append(PageBreak())
    c.render(story, out, title=title)
    return out.getvalue()


def _texts(data: bytes) -> list[str]:
    return ["".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages]


def test_every_page_of_every_pdf_its_copies_times_in_order():
    first, second = _pdf("张三的协议书", 2), _pdf("李四的协议书", 1)
    out = io.BytesIO()
    pages = join_pdfs([(first, 3), (second, 2)], out)
    texts = _texts(out.getvalue())
    assert pages == len(texts) == 3 * 2 + 2
    assert [t.split("第")[0][-6:] + t[t.index("第"):t.index("页") + 1] for t in texts] == [
        "张三的协议书第1页", "张三的协议书第2页"] * 3 + ["李四的协议书第1页"] * 2


def test_a_pdf_not_from_reportlab_pages_and_all():
    canvas_out = io.BytesIO()
    canvas = Canvas(canvas_out)
    canvas.drawString(72, 720, "plain page one")
    canvas.showPage()
    canvas.drawString(72, 720, "plain page two")
    canvas.save()
    out = io.BytesIO()
    join_pdfs([(canvas_out.getvalue(), 1)], out)
    assert _texts(out.getvalue()) == ["plainpageone", "plainpagetwo"]
