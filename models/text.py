"""Text that every supported database can store."""

from __future__ import annotations


def is_storable(text: str) -> bool:
    """False for NUL characters (PostgreSQL refuses them) and unpaired surrogates (which JSON can carry
    and UTF-8 cannot encode)."""
    if "\x00" in text:
        return False
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True
