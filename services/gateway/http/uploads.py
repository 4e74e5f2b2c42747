"""FOCUS file uploads: the request body streamed to ingest, never held whole in memory, and the
answer's shape."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import grpc
from costgrid.ingest.v1 import service_pb2 as ingest_pb
from costgrid.ingest.v1 import service_pb2_grpc as ingest_grpc
from fastapi import Request
from pydantic import BaseModel, Field

from services.gateway.http import protojson
from services.gateway.http.errors import from_rpc_error
from services.gateway.http.registry import API_PREFIX

CHUNK_BYTES = 1 << 20
# Upload bodies are streamed, never held, and read only after authentication (the route has no
# body parameter), so the gateway's body cap does not apply; ingest's upload limit does.
UNCAPPED_BODIES = {rf"{API_PREFIX}/cloud-accounts/\d+/uploads$": 2**63 - 1}
CHECKSUM_HEADER = "X-Checksum-SHA256"
DESCRIPTION = f"""
The body is one FOCUS export file: `Content-Type: text/csv` (add `Content-Encoding: gzip`
for gzip-compressed CSV), `application/gzip`, `application/vnd.apache.parquet`, or
`application/octet-stream` (the format is then told by the first bytes). The account must be a
`focus_file` account created with neither `path` nor `s3_prefix`.

The body is streamed to the ingest service, which stores it, refuses it past
`COSTGRID_INGEST_UPLOAD_MAX_BYTES` (413), checks the optional `{CHECKSUM_HEADER}` header (the
SHA-256 of the body as sent, 64 hex digits; a mismatch is 400 and nothing is kept) and the
FOCUS header row (400 when a required column is missing), then starts a sync job that imports
it and answers 202 with that job (follow it at `GET /costs/sync/{{job_id}}`).

The import replaces the account's costs on exactly the days the file holds: uploading the same
file again does not double anything, and a month's export leaves other months as they are.
Uploads are not resumable: one request carries the whole file (the limit is per request);
for exports too large for one request, use an `s3_prefix` account or the operator's drop
folder.
"""


class UploadStarted(BaseModel):
    job_id: int
    status: str = Field(
        description="The sync job's status, as on GET /costs/sync/{job_id}: running for a new job"
    )
    sha256: str = Field(description="SHA-256 of the bytes received, hex")
    size_bytes: int
    format: str = Field(description="csv, csv.gz or parquet")


# The body is the file itself, not JSON: documented here since the route declares no body.
OPENAPI = {
    "requestBody": {
        "required": True,
        "content": {
            kind: {"schema": {"type": "string", "format": "binary"}}
            for kind in (
                "text/csv",
                "application/gzip",
                "application/vnd.apache.parquet",
                "application/octet-stream",
            )
        },
    },
}


async def send(
    request: Request, header: ingest_pb.UploadFocusFileHeader
) -> ingest_pb.UploadFocusFileResponse:
    """Streams the header, then the body as it arrives, to ingest's UploadFocusFile."""
    state = request.app.state
    stub = ingest_grpc.SyncServiceStub(state.runtime.channel("ingest"))
    try:
        return await stub.UploadFocusFile(
            _parts(header, request), timeout=state.settings.gateway_upload_timeout_seconds
        )
    except grpc.aio.AioRpcError as exc:
        raise from_rpc_error(exc, "ingest") from exc


def started_json(answer: ingest_pb.UploadFocusFileResponse) -> dict[str, Any]:
    return {
        "job_id": answer.job_id,
        "status": protojson.enum_name(ingest_pb.SyncJobStatus.DESCRIPTOR, answer.status),
        "sha256": answer.sha256,
        "size_bytes": answer.size_bytes,
        "format": answer.format,
    }


async def _parts(
    header: ingest_pb.UploadFocusFileHeader, request: Request
) -> AsyncIterator[ingest_pb.UploadFocusFileRequest]:
    """The header, then the body in ~1 MiB chunks as it arrives (a few chunks in memory)."""
    yield ingest_pb.UploadFocusFileRequest(header=header)
    pending = bytearray()
    async for piece in request.stream():
        pending += piece
        while len(pending) >= CHUNK_BYTES:
            yield ingest_pb.UploadFocusFileRequest(chunk=bytes(pending[:CHUNK_BYTES]))
            del pending[:CHUNK_BYTES]
    if pending:
        yield ingest_pb.UploadFocusFileRequest(chunk=bytes(pending))
