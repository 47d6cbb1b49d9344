"""Vietnamese text: stored NFC and trimmed; searched without accents (đ → d included)."""
from __future__ import annotations

import unicodedata


def clean(value) -> str | None:
    """NFC, trimmed, inner runs of spaces collapsed; empty becomes None."""
    if value is None:
        return None
    text = " ".join(unicodedata.normalize("NFC", str(value)).split())
    return text or None


def fold(value: str | None) -> str:
    """Lower-case, accent-free form for search: 'Đông Hòa' → 'dong hoa'."""
    if not value:
        return ""
    text = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn").lower()
