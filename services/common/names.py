"""The one rule for names people give things (budgets, channels, rules, accounts, tenants,
plans, price books, tokens, the issuer profile).

Names travel into Slack, email, SMS, PDFs and logs, so a name that could hide or reorder
text there is refused, never cleaned up: a control character (a bell, a newline, an escape),
a bidirectional override or isolate (U+202A-202E, U+2066-2069, U+200E, U+200F, U+061C) that
makes "gpj.exe" read as "exe.jpg", a line or paragraph separator, a lone surrogate, or an
unassigned code point. Nothing is stripped: leading or trailing whitespace is refused too,
so the name stored is exactly the name sent.
"""

from __future__ import annotations

import unicodedata

from services.common.errors import InvalidArgument

MAX_NAME_LENGTH = 200
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# Cc control, Cs surrogate, Cn unassigned, Zl/Zp line and paragraph separators.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cs", "Cn", "Zl", "Zp"})


def check_name(name: str, field: str, *, max_length: int = MAX_NAME_LENGTH) -> str:
    """`name` unchanged when it is a name a person can read; INVALID_ARGUMENT naming `field`."""
    if not name.strip():
        raise InvalidArgument(field, "is required", reason="NAME_REQUIRED")
    if len(name) > max_length:
        raise InvalidArgument(
            field, f"must be at most {max_length} characters", reason="NAME_TOO_LONG"
        )
    if name != name.strip():
        raise InvalidArgument(
            field, "must not start or end with whitespace", reason="NAME_UNSAFE_CHARACTER"
        )
    for char in name:
        if char in BIDI_CONTROLS or unicodedata.category(char) in _REFUSED_CATEGORIES:
            raise InvalidArgument(
                field,
                f"must not contain U+{ord(char):04X} (control or bidirectional formatting)",
                reason="NAME_UNSAFE_CHARACTER",
            )
    return name


def optional_name(name: str, field: str, *, max_length: int = MAX_NAME_LENGTH) -> str:
    """An empty name stays empty (the service picks a default); anything else is checked."""
    return check_name(name, field, max_length=max_length) if name else ""
