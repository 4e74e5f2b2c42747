"""Cloud credentials at rest: sealed with the kit's SecretBox, bound to their org and account.

The associated data ties a ciphertext to one (org, account): copied onto another account's
row, it no longer opens. Plaintext exists only in memory, on the way to a connector.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from services.common.crypto import SecretBox, SecretBoxError
from services.common.errors import FailedPrecondition


def _aad(org_id: str, account_id: int) -> bytes:
    return f"costgrid.ingest.cloud_account:{org_id}:{account_id}".encode()


def seal(
    box: SecretBox, org_id: str, account_id: int, credentials: Mapping[str, str]
) -> str | None:
    """None when there is nothing to store (so `has_credentials` stays false)."""
    present = {k: v for k, v in credentials.items() if v}
    if not present:
        return None
    return box.seal(json.dumps(present, sort_keys=True).encode(), _aad(org_id, account_id))


def unseal(box: SecretBox, org_id: str, account_id: int, sealed: str | None) -> dict[str, str]:
    if not sealed:
        return {}
    try:
        return dict(json.loads(box.open(sealed, _aad(org_id, account_id))))
    except SecretBoxError as exc:
        # Never the value itself: only that the stored credentials cannot be used.
        raise FailedPrecondition(
            f"stored credentials of account {account_id} cannot be decrypted ({exc}); "
            "set them again with UpdateCloudAccount",
            reason="CREDENTIALS_UNREADABLE",
        ) from None
