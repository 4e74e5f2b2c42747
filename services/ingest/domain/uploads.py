"""Uploaded FOCUS files: which format the request says, what the bytes say, the checksum.

Formats: "csv", "csv.gz" (gzip-compressed CSV) and "parquet". The request's Content-Type and
Content-Encoding name one; application/octet-stream leaves it to the first bytes ("PAR1" is
Parquet, 1f 8b is gzip, anything else is read as CSV). A request that names a format its bytes
contradict is refused rather than guessed at.
"""

from __future__ import annotations

import re

from services.common.errors import InvalidArgument, ResourceExhausted

CSV, CSV_GZ, PARQUET = "csv", "csv.gz", "parquet"
PARQUET_MAGIC = b"PAR1"
GZIP_MAGIC = b"\x1f\x8b"
HEAD_BYTES = 4
_CSV_TYPES = {"text/csv", "application/csv"}
_GZIP_TYPES = {"application/gzip", "application/x-gzip"}
_PARQUET_TYPES = {"application/vnd.apache.parquet", "application/x-parquet"}
_SNIFF_TYPES = {"", "application/octet-stream"}
_SHA256 = re.compile(r"[0-9a-f]{64}")
TYPES_ACCEPTED = (
    "text/csv, application/gzip, application/vnd.apache.parquet or application/octet-stream"
)


def declared_format(content_type: str, content_encoding: str) -> str | None:
    """The format the request names; None: tell it from the bytes."""
    kind = content_type.split(";", 1)[0].strip().lower()
    encoding = content_encoding.strip().lower()
    if encoding not in ("", "identity", "gzip", "x-gzip"):
        raise InvalidArgument("content_encoding", "must be gzip or absent")
    gzipped = encoding in ("gzip", "x-gzip")
    if kind in _CSV_TYPES:
        return CSV_GZ if gzipped else CSV
    if kind in _GZIP_TYPES:
        return CSV_GZ
    if kind in _PARQUET_TYPES and not gzipped:
        return PARQUET
    if kind in _SNIFF_TYPES:
        return CSV_GZ if gzipped else None
    raise InvalidArgument("content_type", f"must be {TYPES_ACCEPTED}")


def format_of(declared: str | None, head: bytes) -> str:
    """The upload's format from its first bytes, checked against the declared one."""
    parquet, gzipped = head.startswith(PARQUET_MAGIC), head.startswith(GZIP_MAGIC)
    found = PARQUET if parquet else CSV_GZ if gzipped else CSV
    if declared is None or declared == found or (declared == CSV and gzipped):
        return found
    raise InvalidArgument(
        "content_type", f"names {declared} but the file's first bytes are those of {found}"
    )


def expected_sha256(text: str) -> str:
    """The client's checksum as lowercase hex; '' when none was sent."""
    value = text.strip().lower()
    if value and not _SHA256.fullmatch(value):
        raise InvalidArgument("sha256", "must be the SHA-256 of the body as 64 hex digits")
    return value


def too_large(limit: int) -> ResourceExhausted:
    return ResourceExhausted(
        f"the upload is larger than the limit of {limit} bytes",
        reason="UPLOAD_TOO_LARGE",
        limit_bytes=limit,
    )
