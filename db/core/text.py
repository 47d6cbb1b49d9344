"""Vietnamese text: stored NFC and trimmed; searched without accents (đ → d included)."""
from __future__ import annotations

import unicodedata


def clean(value) -> str | None:
    """NFC, trimmed, inner runs of spaces collapsed, invisible characters removed; empty becomes None."""
    if value is None:
        return None
    text = " ".join(visible(unicodedata.normalize("NFC", str(value))).split())
    return text or None


def visible(text: str) -> str:
    """Without control characters (Unicode Cc, other than line breaks and tabs) and format characters (Cf: zero-width
    spaces and joiners, bidirectional overrides and isolates such as U+202E, the byte-order mark, soft hyphens): they
    are invisible, so a name holding one looks like another, sorts apart from it, or shows reversed («Trust» for a
    name typed as «tsurT»). Vietnamese text needs none of them."""
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf"))


def shown(value, limit: int = 40) -> str:
    """User input quoted in a message: never more than `limit` characters (a pasted 10 MB text is not echoed)."""
    text = visible(str(value))
    return text if len(text) <= limit else text[:limit] + "…"


def fold(value: str | None) -> str:
    """Lower-case, accent-free form for search: 'Đông Hòa' → 'dong hoa'."""
    if not value:
        return ""
    text = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn").lower()
