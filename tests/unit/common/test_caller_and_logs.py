import io
import json
import logging

import pytest

from services.common.caller import Caller, sign, verify
from services.common.errors import Unauthenticated
from services.common.logging import JsonFormatter, get_logger, org_id_var, request_id_var

KEY = b"k"
CALLER = Caller("org-1", "viewer", "token:1")


def test_signed_context_verifies_to_the_same_caller():
    assert verify(sign(CALLER, KEY, now=1000), KEY, now=1001) == CALLER


def test_expired_context_is_rejected():
    with pytest.raises(Unauthenticated) as caught:
        verify(sign(CALLER, KEY, now=1000), KEY, now=1000 + 3600)
    assert caught.value.reason == "CALLER_CONTEXT_EXPIRED"


def test_roles_are_ordered():
    assert Caller("o", "admin", "p").has_role("member")
    assert not Caller("o", "viewer", "p").has_role("member")


def test_logs_are_json_with_ids_and_secrets_redacted():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("test.redaction")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    tokens = (request_id_var.set("req-9"), org_id_var.set("org-3"))
    try:
        get_logger("test.redaction").info("account.created", client_secret="hunter2", rows=3)
    finally:
        request_id_var.reset(tokens[0])
        org_id_var.reset(tokens[1])
        logger.removeHandler(handler)
    entry = json.loads(stream.getvalue())
    assert entry["event"] == "account.created"
    assert entry["request_id"] == "req-9" and entry["org"] == "org-3"
    assert entry["client_secret"] == "[redacted]"
    assert "hunter2" not in stream.getvalue()
    assert entry["rows"] == 3
