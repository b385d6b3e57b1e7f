"""The 卷宗: cover, 卷内目录 whose page numbers point at the right pages, entries merged."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from app.documents.agreement import build_agreement
from app.documents.data import DossierEntry
from app.documents.dossier import build_dossier
from app.documents.errors import BadDossierEntry
from app.documents.notices import build_notice
from app.documents.session_record import build_session_record
from tests.documents import samples
from tests.documents.pdfcheck import SUBSET, embedded, fonts, pages


def render(build, data) -> bytes:
    out = io.BytesIO()
    build(data, out)
    return out.getvalue()


@pytest.fixture(scope="module")
def entries() -> list[DossierEntry]:
    return [
        DossierEntry("人民调解记录", render(build_session_record, samples.session_record())),
        DossierEntry("人民调解协议书", render(build_agreement, samples.agreement()), "原件"),
        DossierEntry("终止调解告知书", render(build_notice, samples.notice())),
    ]


TITLES = "人民调解记录|人民调解协议书|终止调解告知书"


def contents_rows(pdf: bytes) -> list[tuple[int, str, str]]:
    """(序号, 文书名称, 页号) from the 卷内目录 pages (cells come out one a line)."""
    rows = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        text = page.extract_text() or ""
        if "文书名称" in text:  # the header row, repeated on every 目录 page
            cells = [c.strip() for c in text.splitlines() if c.strip()]
            rows += [(int(cells[i - 1]), cells[i], cells[i + 1])
                     for i, c in enumerate(cells) if re.fullmatch(TITLES, c)]
    return rows


def stamp(text: str) -> int:
    """The 卷内页号 stamped on a page: the last text drawn on it, after the footer."""
    return int(re.search(r"(?:页|一致)(\d+)$", text).group(1))


def test_cover_lists_the_volume(entries):
    texts = pages(render(build_dossier, samples.dossier(entries)))
    cover = texts[0]
    for expected in ("张江镇人民调解委员会", "调解卷宗", "卷名：", samples.NUMBER, "人民调解员：陈志明",
                     "二〇二六年十一月一日至二〇二六年十一月二十二日", "立卷人：周晓雯",
                     "二〇二六年十一月三十日", "保管期限：长期", "备注："):
        assert expected in cover, expected
    assert "李秀英与上海悦动健身管理有限公司预付式消费纠纷" in cover


def test_contents_page_numbers_point_at_the_documents(entries):
    pdf = render(build_dossier, samples.dossier(entries))
    texts = pages(pdf)
    rows = contents_rows(pdf)
    assert [r[1] for r in rows] == ["人民调解记录", "人民调解协议书", "终止调解告知书"]
    counts = [len(pages(e.pdf)) for e in entries]
    front = len(texts) - sum(counts)
    assert front == 2  # cover + one page of 目录
    for (_, title, ref), count in zip(rows, counts, strict=True):
        first, _, last = ref.partition("-")
        first_page, last_page = int(first), int(last or first)
        assert last_page - first_page + 1 == count
        page = texts[front + first_page - 1]
        assert title in page  # the document's own title opens its first page
        assert stamp(page) == first_page  # the stamped 卷内页号, top right
    assert rows[0][2] == f"1-{counts[0]}"


def test_a_long_dossier_keeps_every_page_and_font(entries):
    many = entries * 10
    pdf = render(build_dossier, samples.dossier(many))
    texts = pages(pdf)
    total = sum(len(pages(e.pdf)) for e in many)
    assert [stamp(t) for t in texts[-total:]] == list(range(1, total + 1))
    for font in fonts(pdf):
        assert SUBSET.match(str(font["/BaseFont"])) and embedded(font)
    rows = contents_rows(pdf)
    assert [r[0] for r in rows] == list(range(1, 31))
    assert rows[-1][2] == str(total)


def test_an_entry_that_is_not_a_pdf_is_named(entries):
    bad = [*entries, DossierEntry("收条", b"not a pdf")]
    out = io.BytesIO()
    with pytest.raises(BadDossierEntry) as caught:
        build_dossier(samples.dossier(bad), out)
    assert caught.value.index == 3 and caught.value.title == "收条"
    assert out.getvalue() == b""


def test_an_empty_dossier_is_a_cover_and_an_empty_contents():
    data = samples.dossier([])
    texts = pages(render(build_dossier, data))
    assert len(texts) == 2 and "卷内目录" in texts[1]
