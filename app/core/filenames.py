"""File names from elsewhere are display text, never paths.

An attachment row can be written by any colleague with a database login, so its
``filename`` may be ``../x/evil.desktop``, ``..\\..\\Startup\\a.bat``, ``C:a.exe``,
``付款凭证\\u202Egpj.exe`` (shown as 付款凭证exe.jpg) or 4 KB long. ``display_name``
turns any such string into one harmless file name: the last path component in
either separator style, with no drive, no control or bidi characters, no characters
Windows forbids, no trailing dots or spaces, not a Windows device name, at most 255
bytes of UTF-8. ``safe_file_name`` is that name with the extension the *content*
has (decided by the caller from the bytes), for writing a copy to disk.

Pure functions: no I/O.
"""

from __future__ import annotations

import re
import unicodedata

MAX_NAME_BYTES = 255  # ext4, NTFS, APFS: a name of at most 255 bytes (UTF-8 here)
UNNAMED = "附件"  # what is left when nothing of the name is

# Bidirectional controls: they reorder what is shown (U+202E makes "gpj.exe" read
# "exe.jpg"); also the invisible marks that do the same more quietly.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                  "\u2066\u2067\u2068\u2069")
_KEEP_FORMAT = frozenset("\u200c\u200d")  # ZWNJ/ZWJ join letters and emoji; they move nothing
_FORBIDDEN = frozenset('<>:"|?*')  # Windows refuses these in a name (':' opens a stream)
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{dev}{n}" for dev in ("COM", "LPT") for n in (*"123456789", "¹", "²", "³")})
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,10}$")


def _visible(ch: str) -> bool:
    if ch in _BIDI:
        return False
    category = unicodedata.category(ch)
    if category in ("Cc", "Zl", "Zp", "Cs", "Co", "Cn"):
        return False  # control, line breaks, lone surrogates, private use, unassigned
    return category != "Cf" or ch in _KEEP_FORMAT


def _cap(text: str, max_bytes: int) -> str:
    """At most ``max_bytes`` of UTF-8, cut between characters."""
    data = text.encode("utf-8")
    if len(data) <= max_bytes:
        return text
    return data[:max_bytes].decode("utf-8", errors="ignore")


def _last_component(name: str) -> str:
    # Both separator styles: a name written on Windows climbs out with backslashes.
    name = name.replace("\\", "/")
    name = name.rsplit("/", 1)[-1]
    return re.sub(r"^[A-Za-z]:", "", name)  # C:evil.exe is relative to drive C


def display_name(name: str | None, *, max_bytes: int = MAX_NAME_BYTES) -> str:
    """The name to show and to store: one harmless file name (never empty)."""
    text = unicodedata.normalize("NFC", name or "")
    text = "".join(ch for ch in text if _visible(ch))  # before splitting: "..\u202e/" too
    text = _last_component(text)
    text = "".join("_" if ch in _FORBIDDEN else ch for ch in text)
    text = " ".join(text.split())  # tabs, runs of spaces, odd blanks: one plain space
    text = text.strip(". ")  # "..", ".bashrc", "a.exe. ": Windows drops trailing dots
    if not text:
        return UNNAMED
    stem = text.split(".", 1)[0].rstrip(" ").upper()
    if stem in _RESERVED:  # CON.jpg is the console on Windows, whatever follows
        text = "_" + text
    extension = _EXTENSION.search(text)
    if len(text.encode("utf-8")) > max_bytes:
        tail = extension.group(0) if extension else ""
        text = _cap(text[: len(text) - len(tail)], max_bytes - len(tail)).rstrip(". ") + tail
    return text or UNNAMED


def stem_of(name: str) -> str:
    """A display name without its extension (if it has one that looks like one)."""
    name = display_name(name)
    stem = _EXTENSION.sub("", name).rstrip(". ")
    return stem or UNNAMED


def safe_file_name(name: str | None, extension: str) -> str:
    """The name to write a copy under: the display name's stem and ``extension``, the
    one the content has (the name's own extension is dropped: ``付款凭证.exe`` holding a
    JPEG becomes ``付款凭证.jpg``)."""
    ext = extension.lower().lstrip(".")
    if not re.fullmatch(r"[a-z0-9]{1,10}", ext):
        raise ValueError(f"not an extension: {extension!r}")
    suffix = "." + ext
    stem = stem_of(name or "")
    stem = _cap(stem, MAX_NAME_BYTES - len(suffix)).rstrip(". ") or UNNAMED
    return stem + suffix
