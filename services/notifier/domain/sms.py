"""SMS text that fits one segment: 160 GSM-7 characters, or 70 when anything needs UCS-2."""

from __future__ import annotations

_GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# These take two septets (an escape and the character).
_GSM_EXTENDED = "^{}\\[~]|€\f"
GSM_LIMIT = 160
UCS2_LIMIT = 70
ELLIPSIS = "..."


def is_gsm7(text: str) -> bool:
    return all(c in _GSM_BASIC or c in _GSM_EXTENDED for c in text)


def segment_length(text: str) -> int:
    """Septets for GSM-7 text, UTF-16 code units otherwise."""
    if is_gsm7(text):
        return sum(2 if c in _GSM_EXTENDED else 1 for c in text)
    return len(text.encode("utf-16-le")) // 2


def limit_for(text: str) -> int:
    return GSM_LIMIT if is_gsm7(text) else UCS2_LIMIT


def fit(text: str) -> str:
    """The text unchanged if it fits one segment, else cut with '...' so it does."""
    limit = limit_for(text)
    if segment_length(text) <= limit:
        return text
    cut = text
    while cut and segment_length(cut + ELLIPSIS) > limit:
        cut = cut[:-1]
    return cut.rstrip() + ELLIPSIS
