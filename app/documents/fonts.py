"""Finding, checking and registering the CJK fonts the PDFs embed.

reportlab embeds TrueType outlines only (.ttf, or .ttc with a subfont index), never CFF
(.otf such as Noto CJK), and it does not fall back between fonts: a run of text must be
split by font where the main font lacks a glyph (𠮷 and other extension-B name
characters). Coverage is read from each font's own cmap with fontTools; a font is handed
to reportlab (which keeps the whole file in memory, 20-30 MB each) only when a document
uses it, and fallback fonts are scanned only when the main font falls short.
"""

from __future__ import annotations

import os
import re
import struct
import sys
import threading
import zlib
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from app.documents.errors import MissingGlyphs, NoFont

__all__ = [
    "Font",
    "FontSet",
    "default_fonts",
    "find_fonts",
    "missing_glyphs",
    "seed_subsets",
    "shared_seed",
    "split_by_font",
]

ENV_FONT_DIR = "MEDIATION_DESK_FONT_DIR"

# (file name, subfont index). Main fonts in order of preference: Song (宋体) is the face of
# a formal document; the sans WenQuanYi only when nothing else is there.
MAIN_CANDIDATES: tuple[tuple[str, int], ...] = (
    ("uming.ttc", 0),  # AR PL UMing CN (fonts-arphic-uming)
    ("simsun.ttc", 0),  # Windows 宋体
    ("simfang.ttf", 0),  # Windows 仿宋
    ("Songti.ttc", 0),  # macOS (kept only if it has TrueType outlines)
    ("wqy-microhei.ttc", 0),
    ("wqy-zenhei.ttc", 0),
)
# Fallbacks for what the main font lacks, Song style first so a rare name character
# looks like its neighbours.
FALLBACK_CANDIDATES: tuple[tuple[str, int], ...] = (
    ("HanaMinA.ttf", 0),  # fonts-hanazono: BMP + some extension B, and emoji outlines
    ("HanaMinB.ttf", 0),  # fonts-hanazono: extensions B-F
    ("simsunb.ttf", 0),  # Windows SimSun-ExtB
    ("LXGWWenKai-Regular.ttf", 0),  # fonts-lxgw-wenkai (Kai style; has 𠮷)
    ("DejaVuSerif.ttf", 0),  # symbols and Latin extras
    ("DejaVuSans.ttf", 0),
)
# A font is a main font only if it draws the words every document prints.
_CJK_PROBE = "人民调解协议书编号第页共年月日〇一二三四五六七八九十"
# Not printable and not worth a glyph: dropped rather than drawn as an empty box.
_IGNORABLE = re.compile(
    "[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufe00-\ufe0f\ufeff"
    "\U000e0001\U000e0020-\U000e007f\U000e0100-\U000e01ef]"
)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def _utf16_hex(code: int) -> str:
    return chr(code).encode("utf-16-be").hex().upper()


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode CMap, but with characters beyond the BMP (𠮷 U+20BB7) written
    as UTF-16 surrogate pairs: reportlab writes "<20BB7>", which readers take for U+20BB,
    so copied or searched text would lose the rare name characters we embed fonts for."""
    lines = [
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
        "/CIDSystemInfo", f"<< /Registry ({fontname})", f"/Ordering ({fontname})",
        "/Supplement 0", ">> def", f"/CMapName /{fontname} def", "/CMapType 2 def",
        "1 begincodespacerange", f"<00> <{len(subset) - 1:02X}>", "endcodespacerange",
        f"{len(subset)} beginbfchar",
        *(f"<{i:02X}> <{_utf16_hex(v)}>" for i, v in enumerate(subset)),
        "endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end",
    ]
    return "\n".join(lines)


class _GlyfTable:
    """The 'glyf' table as reportlab's subsetter reads it (one glyph slice at a time),
    without the copy of the whole table (20 MB for AR PL UMing) it made for every
    subset of every document."""

    __slots__ = ("data", "start")

    def __init__(self, data: bytes, start: int) -> None:
        self.data, self.start = data, start

    def __getitem__(self, part: slice) -> bytes:
        return self.data[self.start + part.start:self.start + part.stop]


def _get_table(self, tag: str):
    pos, length = self.get_table_pos(tag)
    if tag == "glyf":
        return _GlyfTable(self._ttf_data, pos)
    return self._ttf_data[pos:pos + length]


# An embedded subset's font program, compressed, by (face, codes in order): documents that
# print the same characters in the same order (a group's agreements share their first
# subsets, see FontSet.seed) embed the same bytes, made once. ~40 KB each.
_PROGRAMS: OrderedDict[tuple, tuple[bytes, int]] = OrderedDict()
_PROGRAMS_KEPT = 64
_programs_lock = threading.Lock()


def _font_program(face, subset: tuple[int, ...]) -> tuple[bytes, int]:
    """The compressed program and its length uncompressed."""
    key = (face.filename, getattr(face, "subfontNameX", b""), subset)
    with _programs_lock:
        program = _PROGRAMS.get(key)
        if program is not None:
            _PROGRAMS.move_to_end(key)
            return program
    raw = face.makeSubset(list(subset))
    program = (zlib.compress(raw), len(raw))
    with _programs_lock:
        _PROGRAMS[key] = program
        while len(_PROGRAMS) > _PROGRAMS_KEPT:
            _PROGRAMS.popitem(last=False)
    return program


def _add_subset_objects(self, doc, fontname: str, subset: list[int]):
    """reportlab's TTFontFace.addSubsetObjects with the font program from _font_program
    (the same dictionary entries; the stream already compressed, so marked as such)."""
    from reportlab.pdfbase import pdfdoc, ttfonts

    stream = pdfdoc.PDFStream()
    if doc.compression:
        stream.content, stream.dictionary["Length1"] = _font_program(self, tuple(subset))
        stream.dictionary["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])
    else:
        stream.content = self.makeSubset(subset)
        stream.dictionary["Length1"] = len(stream.content)
    ref = doc.Reference(stream, f"fontFile:{self.filename}({fontname})")
    flags = (self.flags & ~ttfonts.FF_NONSYMBOLIC) | ttfonts.FF_SYMBOLIC
    descriptor = pdfdoc.PDFDictionary({
        "Type": "/FontDescriptor", "Ascent": self.ascent, "CapHeight": self.capHeight,
        "Descent": self.descent, "Flags": flags, "FontBBox": pdfdoc.PDFArray(self.bbox),
        "FontName": pdfdoc.PDFName(fontname), "ItalicAngle": self.italicAngle,
        "StemV": self.stemV, "FontFile2": ref, "MissingWidth": self.defaultWidth,
    })
    return doc.Reference(descriptor, "fontDescriptor:" + fontname)


def _patch_reportlab() -> None:
    from reportlab.pdfbase import ttfonts

    ttfonts.makeToUnicodeCMap = _to_unicode_cmap
    ttfonts.TTFontFile.get_table = _get_table
    ttfonts.TTFontFace.addSubsetObjects = _add_subset_objects


_patch_reportlab()


def _system_dirs() -> list[Path]:
    dirs = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"),
            Path.home() / ".local/share/fonts", Path.home() / ".fonts"]
    if sys.platform == "win32":
        windir = Path(os.environ.get("WINDIR", "C:/Windows"))
        dirs = [windir / "Fonts"]
        if local := os.environ.get("LOCALAPPDATA"):
            dirs.append(Path(local) / "Microsoft/Windows/Fonts")
    elif sys.platform == "darwin":
        dirs += [Path("/System/Library/Fonts"), Path("/System/Library/Fonts/Supplemental"),
                 Path("/Library/Fonts"), Path.home() / "Library/Fonts"]
    return dirs


def _bundled_dir() -> Path:
    """The project's resources/fonts (WenQuanYi): the last resort, always there."""
    package = Path(__file__).resolve().parents[1]
    installed = package / "_resources" / "fonts"
    return installed if installed.is_dir() else package.parent / "resources" / "fonts"


def _font_files(folder: Path) -> dict[str, Path]:
    """Lower-cased file name -> path for every .ttf/.ttc below ``folder``."""
    found: dict[str, Path] = {}
    if not folder.is_dir():
        return found
    for root, _dirs, files in os.walk(folder):
        for name in files:
            if name.lower().endswith((".ttf", ".ttc")):
                found.setdefault(name.lower(), Path(root) / name)
    return found


@dataclass(eq=False)
class Font:
    """One face of one file. ``name`` is the reportlab name once registered."""

    path: Path
    index: int
    family: str = ""
    _codepoints: frozenset[int] | None = field(default=None, repr=False)
    _name: str | None = field(default=None, repr=False)

    @property
    def codepoints(self) -> frozenset[int]:
        if self._codepoints is None:
            self._codepoints = _read_cmap(self)
        return self._codepoints

    def has(self, ch: str) -> bool:
        return ord(ch) in self.codepoints

    @property
    def name(self) -> str:
        """Registers the font with reportlab on first use (a TTFont reads the whole file)."""
        if self._name is None:
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.ttfonts import TTFont

            stem = re.sub(r"[^A-Za-z0-9]", "", self.path.stem) or "Font"
            name = f"MD-{stem}-{self.index}"
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(name, str(self.path), subfontIndex=self.index))
            self._name = name
        return self._name


def _read_cmap(font: Font) -> frozenset[int]:
    """The code points the face draws; empty when reportlab could not embed it (CFF outlines,
    embedding forbidden) or the file is unreadable."""
    from fontTools.ttLib import TTFont as FTFont

    try:
        ft = FTFont(str(font.path), fontNumber=font.index, lazy=True)
    except Exception:  # a broken font file is simply not a candidate
        return frozenset()
    try:
        if "glyf" not in ft:  # CFF outlines: reportlab cannot embed them
            return frozenset()
        fs_type = ft["OS/2"].fsType if "OS/2" in ft else 0
        if fs_type == 0x0002 or fs_type & 0x0300:  # reportlab's own refusal test
            return frozenset()
        font.family = font.family or str(ft["name"].getDebugName(1) or font.path.stem)
        codes = _cmap_codepoints(ft.reader["cmap"])
        if codes is None:  # a subtable format read only by fontTools
            codes = frozenset(c for c, g in (ft.getBestCmap() or {}).items() if g != ".notdef")
        return codes
    except Exception:
        return frozenset()
    finally:
        ft.close()


# The Unicode subtables in fontTools' order of preference (getBestCmap).
_UNICODE_CMAPS = ((3, 10), (0, 6), (0, 4), (3, 1), (0, 3))


def _cmap_codepoints(raw: bytes) -> frozenset[int] | None:
    """The code points the best Unicode subtable maps to a glyph, read from the cmap
    table's bytes (fontTools' getBestCmap names every glyph of the font first: 0.1-0.4 s
    for each CJK font a process looks at). Formats 12 and 4; None for another."""
    count = struct.unpack_from(">H", raw, 2)[0]
    offsets = dict(((p, e), o) for p, e, o in
                   (struct.unpack_from(">HHI", raw, 4 + 8 * k) for k in range(count)))
    offset = next((offsets[key] for key in _UNICODE_CMAPS if key in offsets), None)
    if offset is None:
        return None
    form = struct.unpack_from(">H", raw, offset)[0]
    codes: set[int] = set()
    if form == 12:
        groups = struct.unpack_from(">I", raw, offset + 12)[0]
        flat = struct.unpack_from(f">{3 * groups}I", raw, offset + 16)
        for i in range(0, len(flat), 3):
            first, last, glyph = flat[i:i + 3]
            codes.update(range(first + (glyph == 0), last + 1))  # glyph 0: .notdef
        return frozenset(codes)
    if form != 4:
        return None
    segments = struct.unpack_from(">H", raw, offset + 6)[0] // 2
    ends = struct.unpack_from(f">{segments}H", raw, offset + 14)
    starts = struct.unpack_from(f">{segments}H", raw, offset + 16 + 2 * segments)
    deltas = struct.unpack_from(f">{segments}h", raw, offset + 16 + 4 * segments)
    at = offset + 16 + 6 * segments  # idRangeOffset[0]
    ranges = struct.unpack_from(f">{segments}H", raw, at)
    for i, (first, last, delta, ranged) in enumerate(zip(starts, ends, deltas, ranges,
                                                         strict=True)):
        if first > last or first == 0xFFFF:
            continue
        if not ranged:
            codes.update(c for c in range(first, last + 1) if (c + delta) & 0xFFFF)
            continue
        base = at + 2 * i + ranged - 2 * first
        for c in range(first, last + 1):
            glyph = struct.unpack_from(">H", raw, base + 2 * c)[0]
            if glyph and (glyph + delta) & 0xFFFF:
                codes.add(c)
    return frozenset(codes)


class FontSet:
    """A main font and an ordered chain of fallbacks, scanned lazily.

    ``segments`` splits text into (font, run) by coverage; characters no font has come
    back with font ``None`` so a builder can collect them all and refuse the document.
    """

    def __init__(self, main: Font, fallbacks: list[Font]) -> None:
        self.main = main
        self._fallbacks = fallbacks
        self._lock = threading.Lock()
        self._by_char: dict[str, Font | None] = {}

    @property
    def fallbacks(self) -> list[Font]:
        return list(self._fallbacks)

    def font_for(self, ch: str) -> Font | None:
        if self.main.has(ch):
            return self.main
        found = self._by_char.get(ch, False)
        if found is False:
            with self._lock:
                found = next((f for f in self._fallbacks if f.has(ch)), None)
                self._by_char[ch] = found
        return found  # type: ignore[return-value]

    def segments(self, text: str) -> list[tuple[Font | None, str]]:
        """Runs of ``clean(text)`` with the font that draws them. Spaces and line breaks stay
        in the run they are in (every font has a space)."""
        text = clean(text)
        if not text:
            return []
        if self.main.codepoints.issuperset(map(ord, text.replace(" ", "").replace("\n", ""))):
            return [(self.main, text)]  # the common case, without a look-up a character
        out: list[tuple[Font | None, str]] = []
        current: Font | None = self.main
        run: list[str] = []
        for ch in text:
            font = current if ch in " \n" else self.font_for(ch)
            if font is not current and run:
                out.append((current, "".join(run)))
                run = []
            current = font
            run.append(ch)
        if run:
            out.append((current, "".join(run)))
        return out

    def missing(self, text: str) -> set[str]:
        return {run_ch for font, run in self.segments(text) if font is None for run_ch in run
                if run_ch not in " \n"}

    def markup(self, text: str, missing: set[str]) -> str:
        """reportlab paragraph markup for plain ``text``: escaped, fallback runs wrapped in
        ``<font name=...>``, line breaks as ``<br/>``; characters no font has are added to
        ``missing`` (and left out: the caller refuses the document)."""
        parts: list[str] = []
        for font, run in self.segments(text):
            if font is None:
                missing.update(c for c in run if c not in " \n")
                parts.append(" " * run.count(" "))
                continue
            body = escape(run).replace("\n", "<br/>")
            parts.append(body if font is self.main else f'<font name="{font.name}">{body}</font>')
        return "".join(parts)


def clean(text: str) -> str:
    """The mediator's text as it prints: tabs as spaces, CR/LF as one newline, invisible
    format characters and controls dropped (they have no glyph and would print as boxes)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = _IGNORABLE.sub("", text)
    return _CONTROL.sub("", text)


def find_fonts(font_dir: str | os.PathLike[str] | None = None, *,
               system: bool = True) -> FontSet:
    """The fonts a document will use: fonts in ``font_dir`` (or $MEDIATION_DESK_FONT_DIR)
    first, then the system's (``system=False`` leaves them out), then the bundled
    WenQuanYi. The first face that draws the probe words is the main font; every other
    face found is a fallback. Raises NoFont when nothing can draw Chinese."""
    own_dir = font_dir if font_dir is not None else os.environ.get(ENV_FONT_DIR) or None
    own: list[Font] = []
    searched: list[str] = []
    if own_dir:
        searched.append(str(own_dir))
        for path in sorted(_font_files(Path(own_dir)).values()):
            own.append(Font(path, 0))
    files: dict[str, Path] = {}
    dirs = (_system_dirs() if system else []) + [_bundled_dir()]
    for folder in dirs:
        searched.append(str(folder))
        for key, path in _font_files(folder).items():
            files.setdefault(key, path)

    def known(names: tuple[tuple[str, int], ...]) -> list[Font]:
        return [Font(files[n.lower()], i) for n, i in names if n.lower() in files]

    ordered = own + known(MAIN_CANDIDATES) + known(FALLBACK_CANDIDATES)
    main = next((f for f in ordered if all(f.has(c) for c in _CJK_PROBE)), None)
    if main is None:
        raise NoFont(searched)
    # The main candidates not chosen are fallbacks too (after the ones made for it).
    rest = own + known(FALLBACK_CANDIDATES) + known(MAIN_CANDIDATES)
    seen = {(main.path, main.index)}
    fallbacks = []
    for f in rest:
        if (f.path, f.index) not in seen:
            seen.add((f.path, f.index))
            fallbacks.append(f)
    return FontSet(main, fallbacks)


@cache
def default_fonts() -> FontSet:
    """The process-wide font set (found once)."""
    return find_fonts()


def shared_seed(printed: Iterable[set[str]], fonts: FontSet | None = None) -> str:
    """The characters every one of a batch's documents prints in the main font, in code
    point order: seeded first (``seed_subsets``), they fill the documents' first subsets
    alike, so those subsets' programs are made once for the batch (``_font_program``).
    Only characters each document prints itself: no document embeds a glyph of another's
    text."""
    main = (fonts or default_fonts()).main
    sets = list(printed)
    common = set.intersection(*sets) if sets else set()
    return "".join(sorted(c for c in common if not c.isspace() and main.has(c)))


def seed_subsets(doc, font_name: str, seed: str) -> None:
    """Gives ``seed``'s characters the first codes of ``font_name`` in the PDF document
    ``doc`` (a canvas's ``_doc``), in that order, as though drawn first, and starts the
    document's own characters in a subset of their own, so that every subset the seed
    fills is the same in each document of the batch (not only the full ones). The
    document still embeds exactly the glyphs it has codes for, numbered differently."""
    if not seed:
        return
    from reportlab.pdfbase import pdfmetrics

    font = pdfmetrics.getFont(font_name)
    font.splitString(seed, doc)
    state = font.state[doc]
    if state.nextCode & 0xFF:  # reportlab opens the next subset at a multiple of 256
        state.nextCode = (state.nextCode | 0xFF) + 1


def missing_glyphs(text: str, fonts: FontSet | None = None) -> set[str]:
    """Characters of ``text`` that no font can draw (a service checks before building)."""
    return (fonts or default_fonts()).missing(text)


def split_by_font(text: str, fonts: FontSet | None = None) -> list[tuple[str, str]]:
    """(reportlab font name, run) pairs covering ``text``; raises MissingGlyphs."""
    fonts = fonts or default_fonts()
    segments = fonts.segments(text)
    missing = {c for f, run in segments if f is None for c in run if c not in " \n"}
    if missing:
        raise MissingGlyphs(missing)
    return [(f.name, run) for f, run in segments if f is not None]
