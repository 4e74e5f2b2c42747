"""FOCUS exports in S3 (AWS Data Exports, or any S3-compatible store): list and stream objects.

CSV objects are streamed straight from one GetObject body; Parquet needs random access (footer
first, then column chunks), so it is read through ranged GETs. boto3 errors become connector
errors that say what to fix.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlparse

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from services.ingest.connectors.base import (
    AccountConfig,
    ConnectorConfigError,
    ConnectorError,
    ProviderAuthError,
    ProviderPermissionError,
    ProviderResponseError,
    ProviderThrottledError,
    ProviderUnavailableError,
)
from services.ingest.connectors.focus_reader import FocusSource, detect_format

_AUTH_CODES = {"InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken"}
_THROTTLE_CODES = {"SlowDown", "Throttling", "ThrottlingException", "RequestLimitExceeded"}


def parse_s3_uri(uri: str) -> tuple[str, str]:
    """`s3://bucket/prefix/` -> (bucket, prefix)."""
    parsed = urlparse(uri)
    if parsed.scheme != "s3" or not parsed.netloc:
        raise ConnectorConfigError(f"s3_uri must look like s3://bucket/prefix/, got {uri!r}")
    return parsed.netloc, parsed.path.lstrip("/")


def s3_client(config: AccountConfig) -> Any:
    creds = config.credentials
    return boto3.client(
        "s3",
        region_name=config.settings.get("region") or "us-east-1",
        endpoint_url=config.endpoint or None,
        aws_access_key_id=creds.get("access_key_id") or None,
        aws_secret_access_key=creds.get("secret_access_key") or None,
        aws_session_token=creds.get("session_token") or None,
        config=Config(
            retries={"max_attempts": 5, "mode": "standard"},
            # Private and S3-compatible endpoints rarely have per-bucket DNS names.
            s3={"addressing_style": "path" if config.endpoint else "auto"},
        ),
    )


@contextmanager
def s3_errors(what: str) -> Iterator[None]:
    """Map boto3 failures while doing `what` (e.g. "listing s3://b/p/") to connector errors."""
    try:
        yield
    except ConnectorError:
        raise
    except NoCredentialsError as err:
        raise ProviderAuthError(
            f"{what}: no AWS credentials (set access_key_id and secret_access_key)"
        ) from err
    except ClientError as err:
        code = str(err.response.get("Error", {}).get("Code", ""))
        msg = err.response.get("Error", {}).get("Message", "") or str(err)
        if code == "NoSuchBucket":
            raise ConnectorConfigError(f"{what}: the bucket does not exist") from err
        if code in _AUTH_CODES:
            raise ProviderAuthError(f"{what}: credentials rejected ({code}: {msg})") from err
        if code in ("AccessDenied", "AllAccessDisabled", "403"):
            raise ProviderPermissionError(
                f"{what}: access denied; the key needs s3:ListBucket on the bucket and"
                f" s3:GetObject on the prefix ({msg})"
            ) from err
        if code in _THROTTLE_CODES:
            raise ProviderThrottledError(f"{what}: S3 is throttling ({code})") from err
        if code.startswith("5") or code in ("InternalError", "ServiceUnavailable"):
            raise ProviderUnavailableError(f"{what}: S3 error {code}: {msg}") from err
        raise ProviderResponseError(f"{what}: S3 error {code}: {msg}") from err
    except BotoCoreError as err:  # connection refused, timeouts, bad endpoint
        raise ProviderUnavailableError(f"{what}: {err}") from err


def s3_sources(config: AccountConfig, uri: str) -> list[FocusSource]:
    """Every export object under the prefix, in key order (AWS part files sort in sequence)."""
    bucket, prefix = parse_s3_uri(uri)
    client = s3_client(config)
    found: list[tuple[str, int]] = []
    with s3_errors(f"listing {uri}"):
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            found.extend((o["Key"], int(o["Size"])) for o in page.get("Contents", []))
    sources = []
    for key, size in sorted(found):
        fmt = detect_format(key)
        if fmt is not None and size > 0:
            sources.append(_object_source(client, bucket, key, size, fmt))
    return sources


def _object_source(
    client: Any, bucket: str, key: str, size: int, fmt: tuple[str, str | None]
) -> FocusSource:
    name = f"s3://{bucket}/{key}"

    def open_object() -> io.RawIOBase:
        if fmt[0] == "parquet":
            return _RangedObject(client, bucket, key, size, name)
        with s3_errors(f"reading {name}"):
            body = client.get_object(Bucket=bucket, Key=key)["Body"]
        return _StreamedObject(body, name)

    return FocusSource(name=name, open=open_object, format=fmt[0], compression=fmt[1])


class _StreamedObject(io.RawIOBase):
    """A GetObject body as a plain readable file; network failures name the object."""

    def __init__(self, body: Any, name: str) -> None:
        self._body, self._name = body, name

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        with s3_errors(f"reading {self._name}"):
            try:
                data = self._body.read(len(buffer))
            except (OSError, ValueError) as err:  # urllib3 protocol/read errors
                raise ProviderUnavailableError(f"reading {self._name}: {err}") from err
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._body.close()
        super().close()


class _RangedObject(io.RawIOBase):
    """A seekable view of one object: each read is a ranged GET (Parquet reads few, large ones)."""

    def __init__(self, client: Any, bucket: str, key: str, size: int, name: str) -> None:
        self._client, self._bucket, self._key = client, bucket, key
        self._size, self._name, self._pos = size, name, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def read(self, size: int | None = -1) -> bytes:
        # io's default "read to the end" loops in 8 KiB steps: one GET per step.
        if size is None or size < 0:
            size = max(0, self._size - self._pos)
        return super().read(size) or b""

    def readinto(self, buffer: Any) -> int:
        end = min(self._pos + len(buffer), self._size)
        if end <= self._pos:
            return 0
        with s3_errors(f"reading {self._name}"):
            rng = f"bytes={self._pos}-{end - 1}"
            data = self._client.get_object(Bucket=self._bucket, Key=self._key, Range=rng)[
                "Body"
            ].read()
        buffer[: len(data)] = data
        self._pos += len(data)
        return len(data)
