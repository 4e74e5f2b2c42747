import base64
import os

import pytest

from services.common.crypto import SecretBox, SecretBoxError


def _key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def test_sealed_value_opens_and_hides_the_plaintext():
    box = SecretBox.from_setting(f"k1:{_key()}")
    sealed = box.seal(b"AKIA-secret", b"org-1/account-7")
    assert b"AKIA" not in sealed.encode()
    assert box.open(sealed, b"org-1/account-7") == b"AKIA-secret"


def test_value_bound_to_one_record_does_not_open_for_another():
    box = SecretBox.from_setting(f"k1:{_key()}")
    sealed = box.seal(b"token", b"org-1/account-7")
    with pytest.raises(SecretBoxError):
        box.open(sealed, b"org-2/account-7")


def test_rotation_keeps_old_values_readable_and_reseals_with_the_new_key():
    old_key, new_key = _key(), _key()
    old_box = SecretBox.from_setting(f"k1:{old_key}")
    sealed = old_box.seal(b"secret")
    rotated = SecretBox.from_setting(f"k2:{new_key},k1:{old_key}")
    assert rotated.open(sealed) == b"secret"
    resealed = rotated.reseal(sealed)
    assert rotated.key_id_of(resealed) == "k2"
    assert SecretBox.from_setting(f"k2:{new_key}").open(resealed) == b"secret"


def test_unknown_key_id_is_refused():
    sealed = SecretBox.from_setting(f"k1:{_key()}").seal(b"x")
    with pytest.raises(SecretBoxError, match="unknown key id"):
        SecretBox.from_setting(f"k9:{_key()}").open(sealed)


def test_missing_keys_are_a_clear_error():
    with pytest.raises(SecretBoxError, match="no encryption key"):
        SecretBox.from_setting("")
