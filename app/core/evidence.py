"""Which files may be kept as evidence (证据材料), recognised by their content.

A file is judged by its first bytes (``HEAD_BYTES`` of them) and its name together:

* a name that says program or script (``.exe``, ``.bat``, ``.sh``, ``.js`` …) is refused
  whatever the content;
* content that is a program (Windows ``MZ``, ELF, Mach-O, a ``#!/`` script) is refused
  whatever the name — a ``.jpg`` that is really an ``.exe``;
* the extension must be one of ``FORMATS`` and the content must be of that format.
  Content of another allowed format *of the same kind* is accepted under the format the
  content shows (phones and chat apps often save a PNG or WebP as ``.jpg``); content of
  another kind (a PDF named ``.mp3``) or that cannot be recognised is refused.

Binary formats are recognised by the ``filetype`` package's magic numbers; Office
files written as ZIP (``.docx``/``.xlsx``/``.pptx``) are accepted by extension plus the
ZIP signature, since not every writer puts ``[Content_Types].xml`` first; ``.txt`` has
no magic and is accepted when it decodes as UTF-8, UTF-16 (with BOM) or GB18030 text.

No Qt, no database: the service reads the head of the file and asks here.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePath

HEAD_BYTES = 8192  # as much as filetype looks at
DEFAULT_MAX_BYTES = 50 * 1024 * 1024  # 50 MB


class EvidenceKind(StrEnum):
    IMAGE = "image"
    PDF = "pdf"
    DOCUMENT = "document"  # Word
    SPREADSHEET = "spreadsheet"  # Excel
    PRESENTATION = "presentation"  # PowerPoint
    AUDIO = "audio"
    VIDEO = "video"
    TEXT = "text"
    OTHER = "other"  # a mime type from elsewhere (e.g. synced from a newer version)


class Refusal(StrEnum):
    """Why a file may not be evidence."""

    EXECUTABLE = "executable"  # named as a program (.exe, .msi, .apk …)
    SCRIPT = "script"  # named as a script (.bat, .sh, .js, .ps1 …)
    DISGUISED_EXECUTABLE = "disguised_executable"  # a program under another name
    MISMATCH = "mismatch"  # the content is not what the extension says
    UNSUPPORTED = "unsupported"  # not a kind of file kept as evidence


@dataclass(frozen=True)
class Format:
    extension: str  # without the dot, lower case
    mime: str
    kind: EvidenceKind
    # filetype's names for content that counts as this format
    content: frozenset[str]


def _f(ext: str, mime: str, kind: EvidenceKind, *content: str) -> Format:
    return Format(ext, mime, kind, frozenset(content or (ext,)))


_ISO_MEDIA = ("mp4", "m4a", "m4v", "mov", "3gp")  # one container; brands vary by phone
_OOXML = "ooxml"  # our name: a ZIP whose extension says Office Open XML
_OLE = "ole"  # our name: an OLE2 compound file (old Word/Excel/PowerPoint)
_TEXT = "text"  # our name: decodes as text

FORMATS: dict[str, Format] = {f.extension: f for f in (
    _f("jpg", "image/jpeg", EvidenceKind.IMAGE),
    _f("jpeg", "image/jpeg", EvidenceKind.IMAGE, "jpg"),
    _f("png", "image/png", EvidenceKind.IMAGE, "png", "apng"),
    _f("gif", "image/gif", EvidenceKind.IMAGE),
    _f("bmp", "image/bmp", EvidenceKind.IMAGE),
    _f("webp", "image/webp", EvidenceKind.IMAGE),
    _f("heic", "image/heic", EvidenceKind.IMAGE, "heic", "avif"),
    _f("heif", "image/heif", EvidenceKind.IMAGE, "heic", "avif"),
    _f("pdf", "application/pdf", EvidenceKind.PDF),
    _f("doc", "application/msword", EvidenceKind.DOCUMENT, "doc", _OLE),
    _f("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
       EvidenceKind.DOCUMENT, "docx", _OOXML),
    _f("xls", "application/vnd.ms-excel", EvidenceKind.SPREADSHEET, "xls", _OLE),
    _f("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
       EvidenceKind.SPREADSHEET, "xlsx", _OOXML),
    _f("ppt", "application/vnd.ms-powerpoint", EvidenceKind.PRESENTATION, "ppt", _OLE),
    _f("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation",
       EvidenceKind.PRESENTATION, "pptx", _OOXML),
    _f("mp3", "audio/mpeg", EvidenceKind.AUDIO),
    _f("m4a", "audio/mp4", EvidenceKind.AUDIO, *_ISO_MEDIA),
    _f("amr", "audio/amr", EvidenceKind.AUDIO),
    _f("wav", "audio/wav", EvidenceKind.AUDIO),
    _f("aac", "audio/aac", EvidenceKind.AUDIO),
    _f("mp4", "video/mp4", EvidenceKind.VIDEO, *_ISO_MEDIA),
    _f("mov", "video/quicktime", EvidenceKind.VIDEO, *_ISO_MEDIA),
    _f("3gp", "video/3gpp", EvidenceKind.VIDEO, *_ISO_MEDIA),
    _f("txt", "text/plain", EvidenceKind.TEXT, _TEXT),
)}

EXECUTABLE_EXTENSIONS = frozenset({
    "exe", "com", "scr", "pif", "cpl", "dll", "sys", "msi", "msp", "mst", "lnk", "jar",
    "apk", "xapk", "ipa", "app", "dmg", "pkg", "deb", "rpm", "run", "bin", "elf", "appimage",
    "hta", "reg", "inf", "scf", "url", "desktop", "gadget", "msc", "class", "wasm", "swf",
})
SCRIPT_EXTENSIONS = frozenset({
    "bat", "cmd", "sh", "bash", "zsh", "csh", "ksh", "fish", "command", "js", "jse", "mjs",
    "vbs", "vbe", "vb", "wsf", "wsh", "ws", "ps1", "psm1", "psd1", "py", "pyw", "pl", "rb",
    "php", "lua", "tcl", "applescript", "scpt",
})
# filetype names of content that runs
_EXECUTABLE_CONTENT = frozenset({"exe", "elf", "wasm", "swf", "crx", "deb", "rpm"})
_MACH_O = (b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Recognised:
    format: Format

    @property
    def mime(self) -> str:
        return self.format.mime

    @property
    def kind(self) -> EvidenceKind:
        return self.format.kind


class NotAllowed(Exception):
    def __init__(self, refusal: Refusal, detail: str = "") -> None:
        self.refusal = refusal
        super().__init__(f"{refusal.value}{': ' + detail if detail else ''}")


def extension_of(name: str) -> str:
    return PurePath(name).suffix.lower().lstrip(".")


def _runs(head: bytes, guessed: str | None) -> bool:
    return (guessed in _EXECUTABLE_CONTENT or head[:2] == b"MZ" or head[:4] == b"\x7fELF"
            or head[:4] in _MACH_O or head.startswith((b"#!/", b"#! /")))


def _is_text(head: bytes, *, complete: bool) -> bool:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    if b"\x00" in head:
        return False
    # A cut-off head may end inside a character: drop up to 3 trailing bytes.
    tails = (0,) if complete else (0, 1, 2, 3)
    for encoding in ("utf-8", "gb18030"):
        for cut in tails:
            try:
                (head[: len(head) - cut] if cut else head).decode(encoding)
            except UnicodeDecodeError:
                continue
            return True
    return False


def _content_names(head: bytes, guessed: str | None, *, complete: bool) -> set[str]:
    """Every name under which the content may count (filetype's, and our own)."""
    names = {guessed} if guessed else set()
    if head.startswith(_ZIP_MAGIC):
        names.add(_OOXML)
    if head.startswith(_OLE_MAGIC):
        names.add(_OLE)
    if not guessed and _is_text(head, complete=complete):
        names.add(_TEXT)
    return names


def recognise(name: str, head: bytes, *, complete: bool = False) -> Recognised:
    """What the file named ``name`` whose content starts with ``head`` is, or NotAllowed.
    ``complete`` says that ``head`` is the whole file."""
    ext = extension_of(name)
    if ext in EXECUTABLE_EXTENSIONS:
        raise NotAllowed(Refusal.EXECUTABLE, ext)
    if ext in SCRIPT_EXTENSIONS:
        raise NotAllowed(Refusal.SCRIPT, ext)
    import filetype  # its ~15 modules of signatures: when a file is first looked at

    kind = filetype.guess(head)
    guessed = kind.extension if kind is not None else None
    if _runs(head, guessed):
        raise NotAllowed(Refusal.DISGUISED_EXECUTABLE, guessed or "program")
    named = FORMATS.get(ext)
    if named is None:
        raise NotAllowed(Refusal.UNSUPPORTED, ext or "no extension")
    content = _content_names(head, guessed, complete=complete)
    if named.content & content:
        return Recognised(named)
    # Another allowed format of the same kind: keep it under the format it really is.
    for other in FORMATS.values():
        if other.kind is named.kind and guessed is not None and guessed == other.extension:
            return Recognised(other)
    raise NotAllowed(Refusal.MISMATCH, f"{ext} holds {guessed or 'unrecognised content'}")


class ZipKind(StrEnum):
    """What a ZIP file really is, by the names inside it."""

    DOCX = "docx"
    XLSX = "xlsx"
    PPTX = "pptx"
    JAR = "jar"  # a Java program: runs on a double-click where Java is installed
    ZIP = "zip"  # anything else


_OOXML_PARTS = ((ZipKind.DOCX, "word/"), (ZipKind.XLSX, "xl/"), (ZipKind.PPTX, "ppt/"))


def zip_kind(names: Iterable[str]) -> ZipKind:
    """A ZIP with a manifest or class files is a JAR whatever it is called; Office Open
    XML has ``[Content_Types].xml`` and its main part's folder."""
    lowered = [n.replace("\\", "/").lower() for n in names]
    if "meta-inf/manifest.mf" in lowered or any(n.endswith(".class") for n in lowered):
        return ZipKind.JAR
    if "[content_types].xml" in lowered:
        for kind, folder in _OOXML_PARTS:
            if any(n.startswith(folder) for n in lowered):
                return kind
    return ZipKind.ZIP


def check_zip(recognised: Recognised, kind: ZipKind) -> Recognised:
    """An Office file written as ZIP must be what it says: a JAR renamed ``.docx`` is
    refused as a program, a plain ZIP or another Office kind as a mismatch."""
    if kind is ZipKind.JAR:
        raise NotAllowed(Refusal.DISGUISED_EXECUTABLE, "jar")
    if _OOXML not in recognised.format.content:
        return recognised
    if kind.value not in FORMATS or FORMATS[kind.value].kind is not recognised.kind:
        raise NotAllowed(Refusal.MISMATCH, f"{recognised.format.extension} holds {kind.value}")
    return Recognised(FORMATS[kind.value])


def is_zip(head: bytes) -> bool:
    return head.startswith(_ZIP_MAGIC)


def format_of_content(head: bytes, *, complete: bool, zip_names: Iterable[str] | None = None,
                      hint_mime: str = "") -> Format:
    """The allowed format the bytes are, judged by the bytes alone: what a copy is
    named by (``.jpg`` for a JPEG whatever the row says). ``zip_names`` are the entries
    of a ZIP (an Office file is told from a JAR by them). ``hint_mime`` (the stored
    type) only chooses between formats the bytes fit equally (``.doc`` or ``.xls`` for
    an OLE file, ``.m4a`` or ``.mp4``). NotAllowed: DISGUISED_EXECUTABLE for content
    that runs, UNSUPPORTED for content that is no kind of evidence we keep."""
    import filetype

    kind = filetype.guess(head)
    guessed = kind.extension if kind is not None else None
    if _runs(head, guessed):
        raise NotAllowed(Refusal.DISGUISED_EXECUTABLE, guessed or "program")
    names = _content_names(head, guessed, complete=complete)
    if head.startswith(_ZIP_MAGIC):
        found = zip_kind(zip_names or ())
        if found is ZipKind.JAR:
            raise NotAllowed(Refusal.DISGUISED_EXECUTABLE, "jar")
        names.discard(_OOXML)  # which Office kind the entries say, not the name
        names -= {z.value for z in ZipKind}
        if found is not ZipKind.ZIP:
            names.add(found.value)
    candidates = [f for f in FORMATS.values() if f.content & names]
    if not candidates:
        raise NotAllowed(Refusal.UNSUPPORTED, guessed or "unrecognised content")
    for f in candidates:
        if f.mime == hint_mime:
            return f
    return next((f for f in candidates if f.extension == guessed), candidates[0])


def kind_of_mime(mime: str) -> EvidenceKind:
    """The kind of a stored attachment, from its mime type."""
    for f in FORMATS.values():
        if f.mime == mime:
            return f.kind
    major = mime.partition("/")[0]
    return {"image": EvidenceKind.IMAGE, "audio": EvidenceKind.AUDIO,
            "video": EvidenceKind.VIDEO, "text": EvidenceKind.TEXT}.get(major,
                                                                         EvidenceKind.OTHER)
