"""Issue 14, item 1: no server paths from tenants.

An admin of organization B must not read another organization's FOCUS export (or any host file) by
naming its path, and TestConnection must not say whether a host file exists. FOCUS data comes
from the org's own drop folder, S3, or uploads through the API; uploads are size-limited,
checksummed, and a re-upload does not double anything.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import io
import json
import os
import shutil
import uuid
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import httpx
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest

from tests.support.gateway_stack import Stack
from tests.support.infra import (
    FOCUS_SAMPLE,
    UPLOAD_DIR,
    UPLOAD_MAX_BYTES,
    focus_folder,
    focus_path,
)

SAMPLE_TOTAL = Decimal("20.52022672899")  # the README's September 2024 overview
SEPTEMBER = {"as_of_date": "2024-09-30"}


# B is an organization of this module's own: the costs it uploads must not show in other
# modules' "org-b", which shares the run's database.
ORG_B = f"focus-b-{uuid.uuid4().hex[:8]}"


@pytest.fixture(autouse=True)
async def b_token(stack: Stack) -> None:
    if f"{ORG_B}:admin" not in stack.tokens:
        stack.tokens[f"{ORG_B}:admin"] = await stack.create_token(ORG_B, "admin")


def _admin(stack: Stack) -> httpx.AsyncClient:
    return stack.http(stack.tokens[f"{ORG_B}:admin"])


def _json(response: httpx.Response) -> Any:
    return json.loads(response.text, parse_float=Decimal)


async def _create(stack: Stack, name: str, focus: dict[str, str]) -> httpx.Response:
    body = {
        "cloud_account": {"name": name, "provider": "focus_file", "settings": {"focus_file": focus}}
    }
    return await _admin(stack).post("/api/v1/cloud-accounts", json=body)


async def _wait(stack: Stack, job_id: int) -> dict[str, Any]:
    for _ in range(600):
        job = _json(await _admin(stack).get(f"/api/v1/costs/sync/{job_id}"))
        if job["status"] != "running":
            return job  # type: ignore[no-any-return]
        await asyncio.sleep(0.1)
    raise TimeoutError(f"sync job {job_id} still running")


async def _account_total(stack: Stack, account_id: int) -> Decimal:
    overview = _json(await _admin(stack).get("/api/v1/costs/overview", params=SEPTEMBER))
    amounts = [a["amount"] for a in overview["by_provider"] if a["provider_id"] == account_id]
    return sum(amounts, Decimal(0))


def _a_export() -> str:
    """Organization A's export, in A's own folder: an absolute host path."""
    return str(focus_folder("default") / focus_path("default", FOCUS_SAMPLE))


def _refused(response: httpx.Response, total: Decimal) -> None:
    assert total == 0
    assert response.status_code == 400, response.text
    assert response.json()["error"]["details"]["field"].endswith("focus_file.path")


async def _read_as_b(stack: Stack, path: str) -> tuple[httpx.Response, Decimal]:
    """Tries to connect `path` as B and sync it: the answer, and the costs B then sees."""
    created = await _create(stack, "steal", {"path": path})
    if created.status_code != 201:
        return created, Decimal(0)
    account_id = created.json()["id"]
    started = await _admin(stack).post("/api/v1/costs/sync", json={"account_ids": [account_id]})
    await _wait(stack, started.json()["job_id"])
    return created, await _account_total(stack, account_id)


@pytest.mark.parametrize(
    "path",
    [
        _a_export(),
        str(focus_folder(ORG_B)) + "/../default/focus_sample.csv",
        "../default/focus_sample.csv",
        "./../../focus/default",
        "/etc/shadow",
    ],
    ids=["absolute", "absolute-dot-dot", "dot-dot", "dot-dot-folder", "etc-shadow"],
)
async def test_b_cannot_read_a_path_outside_its_folder(stack: Stack, path: str) -> None:
    _refused(*await _read_as_b(stack, path))


@pytest.mark.parametrize("absolute", [True, False], ids=["absolute", "relative"])
async def test_b_cannot_read_an_export_through_a_link(stack: Stack, absolute: bool) -> None:
    link = focus_folder(ORG_B) / "linked.csv"
    link.unlink(missing_ok=True)
    link.symlink_to(_a_export())

    _refused(*await _read_as_b(stack, str(link) if absolute else "linked.csv"))


async def test_a_link_swapped_in_after_saving_is_refused_at_sync(stack: Stack) -> None:
    folder = focus_folder(ORG_B)
    (folder / "later").mkdir(exist_ok=True)
    created = await _create(stack, "later", {"path": "later"})
    assert created.status_code == 201, created.text
    account_id = created.json()["id"]
    link = folder / "later" / "export.csv"
    link.unlink(missing_ok=True)
    link.symlink_to(_a_export())

    started = await _admin(stack).post("/api/v1/costs/sync", json={"account_ids": [account_id]})
    job = await _wait(stack, started.json()["job_id"])

    assert job["status"] == "failed"
    assert "outside" in job["tasks"][0]["error"]
    assert str(folder) not in job["tasks"][0]["error"]
    assert await _account_total(stack, account_id) == 0


@pytest.mark.parametrize("target", ["/etc/shadow", "/etc", "../default", "/"])
async def test_test_connection_says_nothing_about_files_outside(stack: Stack, target: str) -> None:
    async def probe(path: str) -> httpx.Response:
        draft = {"draft": {"provider": "focus_file", "settings": {"focus_file": {"path": path}}}}
        return await _admin(stack).post("/api/v1/cloud-accounts/test-connection", json=draft)

    answer = await probe(target)
    nothing_there = await probe(target.rstrip("/") + "/no-such-file-here")

    assert answer.status_code == nothing_there.status_code == 400
    assert answer.json()["error"]["message"] == nothing_there.json()["error"]["message"]
    assert "exist" not in answer.text and "readable" not in answer.text


async def test_test_connection_of_a_folder_speaks_only_of_the_orgs_own_files(stack: Stack) -> None:
    folder = focus_folder(ORG_B) / "own"
    folder.mkdir(exist_ok=True)
    shutil.copyfile(FOCUS_SAMPLE, folder / "mine.csv")
    draft = {"draft": {"provider": "focus_file", "settings": {"focus_file": {"path": "own"}}}}

    answer = await _admin(stack).post("/api/v1/cloud-accounts/test-connection", json=draft)

    assert answer.status_code == 200 and answer.json()["ok"], answer.text
    assert "mine.csv" in answer.json()["message"]
    assert str(folder) not in answer.json()["message"]


# ---- uploads ----


def _csv() -> bytes:
    return FOCUS_SAMPLE.read_bytes()


def _parquet() -> bytes:
    names = pa_csv.read_csv(FOCUS_SAMPLE).column_names
    options = pa_csv.ConvertOptions(column_types={n: pa.string() for n in names})
    table = pa_csv.read_csv(FOCUS_SAMPLE, convert_options=options)
    out = io.BytesIO()
    pq.write_table(table, out)
    return out.getvalue()


@pytest.fixture
async def upload_account(stack: Stack) -> int:
    created = await _create(stack, f"uploads-{os.urandom(4).hex()}", {})
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


async def _upload(
    stack: Stack, account_id: int, body: Any, headers: dict[str, str]
) -> httpx.Response:
    return await _admin(stack).post(
        f"/api/v1/cloud-accounts/{account_id}/uploads", content=body, headers=headers, timeout=120
    )


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (_csv, {"Content-Type": "text/csv"}),
        (lambda: gzip.compress(_csv()), {"Content-Type": "text/csv", "Content-Encoding": "gzip"}),
        (_parquet, {"Content-Type": "application/vnd.apache.parquet"}),
        (_parquet, {"Content-Type": "application/octet-stream"}),
    ],
    ids=["csv", "csv-gzip", "parquet", "octet-stream-parquet"],
)
async def test_an_uploaded_sample_yields_the_readme_totals(
    stack: Stack, upload_account: int, body: Any, headers: dict[str, str]
) -> None:
    data = body()
    checksum = hashlib.sha256(data).hexdigest()

    answer = await _upload(stack, upload_account, data, {**headers, "X-Checksum-SHA256": checksum})

    assert answer.status_code == 202, answer.text
    assert answer.json()["sha256"] == checksum and answer.json()["size_bytes"] == len(data)
    job = await _wait(stack, answer.json()["job_id"])
    assert job["status"] == "succeeded", job
    assert await _account_total(stack, upload_account) == SAMPLE_TOTAL


async def test_uploading_the_same_file_again_does_not_double(
    stack: Stack, upload_account: int
) -> None:
    for _ in range(2):
        answer = await _upload(stack, upload_account, _csv(), {"Content-Type": "text/csv"})
        assert answer.status_code == 202, answer.text
        assert (await _wait(stack, answer.json()["job_id"]))["status"] == "succeeded"

    assert await _account_total(stack, upload_account) == SAMPLE_TOTAL


def _leftovers() -> list[str]:
    folder = UPLOAD_DIR / ORG_B
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


async def _jobs(stack: Stack) -> int:
    return len(
        _json(await _admin(stack).get("/api/v1/costs/sync", params={"page_size": 500}))["sync_jobs"]
    )


async def test_an_oversized_upload_is_413_and_keeps_nothing(
    stack: Stack, upload_account: int
) -> None:
    jobs = await _jobs(stack)

    async def endless() -> AsyncIterator[bytes]:  # no Content-Length: the cap counts the bytes
        yield _csv()
        for _ in range(UPLOAD_MAX_BYTES // (1 << 20) + 2):
            yield b"x" * (1 << 20)

    answer = await _upload(stack, upload_account, endless(), {"Content-Type": "text/csv"})

    assert answer.status_code == 413, answer.text
    assert answer.json()["error"]["code"] == "UPLOAD_TOO_LARGE"
    assert _leftovers() == [] and await _jobs(stack) == jobs


async def test_a_checksum_mismatch_is_400_and_keeps_nothing(
    stack: Stack, upload_account: int
) -> None:
    jobs = await _jobs(stack)
    wrong = hashlib.sha256(b"something else").hexdigest()

    answer = await _upload(
        stack, upload_account, _csv(), {"Content-Type": "text/csv", "X-Checksum-SHA256": wrong}
    )

    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["code"] == "CHECKSUM_MISMATCH"
    assert _leftovers() == [] and await _jobs(stack) == jobs
    assert await _account_total(stack, upload_account) == 0


async def test_a_file_that_is_not_focus_is_400(stack: Stack, upload_account: int) -> None:
    answer = await _upload(stack, upload_account, b"a,b\n1,2\n", {"Content-Type": "text/csv"})

    assert answer.status_code == 400, answer.text
    assert "BilledCost" in answer.json()["error"]["message"]


async def test_a_path_account_takes_no_uploads(stack: Stack) -> None:
    created = await _create(stack, "drop", {"path": "drop"})
    answer = await _upload(stack, created.json()["id"], _csv(), {"Content-Type": "text/csv"})

    assert answer.status_code == 409, answer.text
