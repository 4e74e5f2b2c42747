"""Following a sync job to its end, with a live progress bar on stderr."""

from __future__ import annotations

import time
from typing import Any

from rich.progress import BarColumn, Progress, TextColumn

from costgrid.client import Client, CliError
from costgrid.output import console

POLL_SECONDS = 0.5
DONE_TASKS = ("succeeded", "failed")


def wait(api: Client, job_id: int, timeout: float) -> Any:
    """The job once it is no longer running; CliError past the timeout."""
    deadline = time.monotonic() + timeout
    with Progress(
        TextColumn("sync job {task.fields[job]}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} accounts  {task.fields[rows]} rows"),
        console=console(stderr=True),
        transient=True,
    ) as progress:
        bar = progress.add_task("sync", total=None, job=job_id, rows=0)
        while True:
            job = api.get(f"/costs/sync/{job_id}")
            tasks = job.get("tasks") or []
            progress.update(
                bar,
                total=len(tasks) or None,
                completed=sum(t.get("status") in DONE_TASKS for t in tasks),
                rows=sum(int(t.get("rows") or 0) for t in tasks),
            )
            if job.get("status") != "running":
                return job
            if time.monotonic() > deadline:
                raise CliError(f"sync job {job_id} still running after {timeout:g}s")
            time.sleep(POLL_SECONDS)


def failure(job: Any) -> str | None:
    """The message a finished job that did not fully succeed ends the command with."""
    if job.get("status") == "succeeded":
        return None
    errors = [
        f"{t.get('account_name') or t.get('account_id')}: {t.get('error')}"
        for t in job.get("tasks") or []
        if t.get("status") == "failed"
    ]
    return f"sync job {job.get('id')} {job.get('status')}" + (
        ": " + "; ".join(errors) if errors else ""
    )
