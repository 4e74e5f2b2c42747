"""Organization ids: pure rules, no I/O."""

from __future__ import annotations

import re

from services.common.errors import InvalidArgument

# Ids travel in signed caller contexts, URLs and logs: plain lowercase words keep them safe.
_ORG_ID = re.compile(r"[a-z0-9][a-z0-9_.-]{0,62}")


def validate_org_id(org_id: str) -> str:
    if not _ORG_ID.fullmatch(org_id):
        raise InvalidArgument(
            "org_id",
            "must be 1 to 63 lowercase letters, digits, '.', '_' or '-', starting with a letter"
            " or digit",
        )
    return org_id
