"""Many PDFs joined into one file as they come, each repeated a number of times (a
group's print job: every member's agreement × its copies), without holding them all.

pypdf's writer keeps every object it was given until it writes the file (about 0.3 MB
of Python objects per two-page agreement: 2,000 members took 570 MB). Here each PDF's
objects are written out as soon as it is read, renumbered; only their offsets and the
page references are kept. A copy is a page object of its own (a page may have one
parent) sharing the contents, fonts and pictures written once. The output is a plain
PDF 1.4 file with a classic cross-reference table.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any, BinaryIO

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    StreamObject,
)

_HEADER = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
_CATALOG, _PAGES = 1, 2  # the first two objects; the page tree is written last
_NO_OBJECT = -1  # a source page: copied anew for each copy, never as itself


class PdfJoiner:
    """``add(pdf, copies)`` for each PDF in turn, then ``finish()``; writes to ``out``."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.offsets: list[int] = [0, 0, 0]  # object number → offset (0: not written yet)
        self.pages: list[int] = []  # the page objects, in order
        self.start = out.tell()
        out.write(_HEADER)

    def add(self, pdf: bytes, copies: int = 1) -> int:
        """Append ``pdf``'s pages ``copies`` times (collated); the pages added."""
        reader = PdfReader(io.BytesIO(pdf))
        pages = list(reader.pages)  # with what they inherit from their tree applied
        numbers: dict[int, int] = {page.indirect_reference.idnum: _NO_OBJECT
                                   for page in pages}
        order: list[int] = []
        for page in pages:
            self._collect(reader, _references(page, skip_parent=True), numbers, order)
        for number in order:  # everything the pages use, once
            self._write(numbers[number], self._copy(reader.get_object(number), numbers))
        added = 0
        for _copy in range(max(1, copies)):
            for page in pages:
                body = self._copy(page, numbers)
                body[NameObject("/Parent")] = IndirectObject(_PAGES, 0, None)
                self.pages.append(self._write(self._new(), body))
                added += 1
        return added

    def finish(self) -> int:
        """The page tree, the catalogue and the cross-reference table; the pages."""
        kids = ArrayObject(IndirectObject(n, 0, None) for n in self.pages)
        tree = DictionaryObject({NameObject("/Type"): NameObject("/Pages"),
                                 NameObject("/Kids"): kids,
                                 NameObject("/Count"): NumberObject(len(self.pages))})
        self._write(_PAGES, tree)
        self._write(_CATALOG, DictionaryObject({
            NameObject("/Type"): NameObject("/Catalog"),
            NameObject("/Pages"): IndirectObject(_PAGES, 0, None)}))
        xref = self.out.tell() - self.start
        self.out.write(f"xref\n0 {len(self.offsets)}\n0000000000 65535 f \n".encode())
        self.out.write(b"".join(f"{offset:010d} 00000 n \n".encode()
                                for offset in self.offsets[1:]))
        self.out.write(f"trailer\n<< /Size {len(self.offsets)} /Root {_CATALOG} 0 R >>\n"
                       f"startxref\n{xref}\n%%EOF\n".encode())
        return len(self.pages)

    # ------------------------------------------------------------ objects

    def _new(self) -> int:
        self.offsets.append(0)
        return len(self.offsets) - 1

    def _write(self, number: int, body: PdfObject) -> int:
        self.offsets[number] = self.out.tell() - self.start
        self.out.write(f"{number} 0 obj\n".encode())
        body.write_to_stream(self.out)
        self.out.write(b"\nendobj\n")
        return number

    def _collect(self, reader: PdfReader, refs: Iterable[int], numbers: dict[int, int],
                 order: list[int]) -> None:
        """Every object reachable from ``refs`` gets our number, in ``order``."""
        stack = list(refs)
        while stack:
            current = stack.pop()
            if current in numbers:
                continue
            numbers[current] = self._new()
            order.append(current)
            stack.extend(ref for ref in _references(reader.get_object(current),
                                                    skip_parent=False)
                         if ref not in numbers)

    def _copy(self, obj: Any, numbers: dict[int, int]) -> Any:
        if isinstance(obj, IndirectObject):
            number = numbers[obj.idnum]
            # a page named from elsewhere (a link's target): its copies are new objects
            return NullObject() if number == _NO_OBJECT else IndirectObject(number, 0, None)
        if isinstance(obj, StreamObject):
            copied = StreamObject()
            copied._data = obj._data  # as stored: still compressed, filters kept
            for key, value in obj.items():
                copied[NameObject(key)] = self._copy(value, numbers)
            return copied
        if isinstance(obj, DictionaryObject):
            page = obj.get("/Type") == "/Page"
            return DictionaryObject({NameObject(k): self._copy(v, numbers)
                                     for k, v in obj.items() if not (page and k == "/Parent")})
        if isinstance(obj, ArrayObject):
            return ArrayObject(self._copy(v, numbers) for v in obj)
        return obj


def _references(obj: Any, *, skip_parent: bool) -> Iterable[int]:
    stack = [obj]
    while stack:
        current = stack.pop()
        if isinstance(current, IndirectObject):
            yield current.idnum
        elif isinstance(current, DictionaryObject):
            stack.extend(v for k, v in current.items() if not (skip_parent and k == "/Parent"))
        elif isinstance(current, ArrayObject):
            stack.extend(current)


def join_pdfs(sources: Iterable[tuple[bytes, int]], out: BinaryIO) -> int:
    """Each (pdf, copies) in turn into ``out``; the pages written."""
    joiner = PdfJoiner(out)
    for pdf, copies in sources:
        joiner.add(pdf, copies)
    return joiner.finish()
