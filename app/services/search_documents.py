"""The documents of the search index, ``(names, body)`` token strings per case, made
wherever they are needed: as cases change, in an import's or the demo loader's worker
processes, and in the worker processes of a rebuild (``tokenise_chunk``).

Kept apart from ``app.services.search`` so that a worker process loads only the
tokeniser and pinyin, not the store and SQLAlchemy (about 0.6 s and 45 MB each).
"""

from __future__ import annotations

from functools import lru_cache
from itertools import chain, starmap

from app.core.search_text import name_tokens, text_tokens

FIELD = "\x1f"  # between fields sent to and from the workers: whitespace, so in no token


def search_document(complainant_name: str, respondent_name: str, title: str,
                    description: str, request: str) -> tuple[str, str]:
    """(names, body) token strings for the FTS table. Tokens appear once per column:
    the table keeps no positions (detail=column), so repeats would only add bytes."""
    # Pinyin for the complainant (a person); the respondent is usually a business,
    # found by its words, so it is spared the cost of pinyin.
    names = f"{name_tokens(complainant_name)} {_respondent_tokens(respondent_name)}"
    # The tokens of "a b" are a's then b's (a space ends every term), so the parts that
    # repeat across cases (titles, requests) are tokenised once per process.
    body = text_tokens(description).split()
    if not (title and title in description):
        body[:0] = _common_tokens(title)
    body += _common_tokens(request)
    return " ".join(dict.fromkeys(names.split())), " ".join(dict.fromkeys(body))


@lru_cache(maxsize=16384)  # businesses recur across a store's cases
def _respondent_tokens(name: str) -> str:
    return f"{name} {text_tokens(name)}"


@lru_cache(maxsize=4096)
def _common_tokens(text: str) -> tuple[str, ...]:
    return tuple(text_tokens(text).split())


def load_tokeniser() -> None:
    """What a rebuild's worker loads before its first chunk (``parallel.start_workers``):
    pinyin's dictionaries."""
    search_document("王", "", "", "", "")


def no_context() -> None:
    return None


def tokenise_chunk(_: None, chunk: bytes | list[tuple[str, str, str, str, str]]) -> str:
    """The documents of a chunk of cases, each one's names then body, joined by
    ``FIELD``; from the cases' five fields joined the same way in UTF-8 (one string
    crosses to the worker many times faster than as many small ones) or, where a field
    holds that character, as rows."""
    rows = (zip(*[iter(chunk.decode().split(FIELD))] * 5, strict=True)
            if isinstance(chunk, bytes) else chunk)
    return FIELD.join(chain.from_iterable(starmap(search_document, rows)))
