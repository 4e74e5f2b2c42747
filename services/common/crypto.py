"""Secrets at rest: AES-256-GCM with a key id in every sealed value, so keys can rotate.

COSTGRID_ENCRYPTION_KEYS="k2:<base64 32 bytes>,k1:<base64 32 bytes>": the first key seals,
every listed key opens. Re-seal old values with `reseal` during rotation.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_VERSION = "v1"


class SecretBoxError(Exception):
    pass


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _derive_key(raw: bytes) -> bytes:
    if len(raw) == 32:
        return raw
    # Short dev keys are stretched so the built-in development key still works.
    from hashlib import sha256

    return sha256(raw).digest()


class SecretBox:
    def __init__(self, keys: dict[str, bytes], active: str) -> None:
        if active not in keys:
            raise SecretBoxError(f"active key id {active!r} is not among the keys")
        self._keys = {kid: AESGCM(_derive_key(k)) for kid, k in keys.items()}
        self._active = active

    @classmethod
    def from_setting(cls, setting: str) -> SecretBox:
        keys: dict[str, bytes] = {}
        for part in filter(None, (p.strip() for p in setting.split(","))):
            kid, sep, material = part.partition(":")
            if not sep or not kid:
                raise SecretBoxError("encryption keys must look like 'kid:base64key,...'")
            keys[kid] = _unb64(material)
        if not keys:
            raise SecretBoxError("no encryption key configured (COSTGRID_ENCRYPTION_KEYS)")
        return cls(keys, next(iter(keys)))

    @property
    def active_key_id(self) -> str:
        return self._active

    def seal(self, plaintext: bytes, associated: bytes = b"") -> str:
        nonce = os.urandom(12)
        sealed = self._keys[self._active].encrypt(nonce, plaintext, associated)
        return f"{_VERSION}:{self._active}:{_b64(nonce)}:{_b64(sealed)}"

    def open(self, token: str, associated: bytes = b"") -> bytes:
        try:
            version, kid, nonce, sealed = token.split(":")
        except ValueError as exc:
            raise SecretBoxError("sealed value is malformed") from exc
        if version != _VERSION or kid not in self._keys:
            raise SecretBoxError(f"sealed with unknown key id {kid!r}")
        try:
            return self._keys[kid].decrypt(_unb64(nonce), _unb64(sealed), associated)
        except InvalidTag as exc:
            raise SecretBoxError("sealed value failed authentication") from exc

    def key_id_of(self, token: str) -> str:
        return token.split(":")[1]

    def reseal(self, token: str, associated: bytes = b"") -> str:
        return self.seal(self.open(token, associated), associated)
