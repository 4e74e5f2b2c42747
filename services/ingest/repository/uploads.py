"""Every SQL statement about uploaded FOCUS files."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True)
class UploadRow:
    id: int
    org_id: str
    account_id: int
    job_id: int
    file_name: str  # relative to the upload directory
    sha256: str
    size_bytes: int
    format: str  # csv | csv.gz | parquet


_COLUMNS = "id, org_id, account_id, job_id, file_name, sha256, size_bytes, format"


def _row(r: Any) -> UploadRow:
    return UploadRow(*r)


async def insert(session: AsyncSession, upload: UploadRow) -> int:
    return int(
        (
            await session.execute(
                text(
                    "INSERT INTO focus_uploads (org_id, account_id, job_id, file_name, sha256, "
                    "size_bytes, format) VALUES (:o, :a, :j, :f, :s, :n, :fmt) RETURNING id"
                ),
                {
                    "o": upload.org_id,
                    "a": upload.account_id,
                    "j": upload.job_id,
                    "f": upload.file_name,
                    "s": upload.sha256,
                    "n": upload.size_bytes,
                    "fmt": upload.format,
                },
            )
        ).scalar_one()
    )


async def of_task(
    session: AsyncSession, org_id: str, job_id: int, account_id: int
) -> UploadRow | None:
    r = (
        await session.execute(
            text(
                f"SELECT {_COLUMNS} FROM focus_uploads "
                "WHERE org_id = :o AND job_id = :j AND account_id = :a ORDER BY id DESC LIMIT 1"
            ),
            {"o": org_id, "j": job_id, "a": account_id},
        )
    ).first()
    return _row(r) if r else None


async def mark_imported(session: AsyncSession, upload_id: int) -> None:
    await session.execute(
        text("UPDATE focus_uploads SET imported_at = now() WHERE id = :i"), {"i": upload_id}
    )
