"""costgrid sync"""

from __future__ import annotations

from typing import Annotated

import typer

from costgrid import jobs
from costgrid.client import CliError
from costgrid.output import Output, OutputOption, emit, note
from costgrid.session import client

TASK_COLUMNS = ["account_id", "account_name", "status", "rows", "error"]


def sync(
    days_back: Annotated[
        int | None, typer.Option(help="Days to re-read (1-365; the server's default if unset).")
    ] = None,
    account: Annotated[
        list[int] | None, typer.Option(help="An account id; repeat for several (default: all).")
    ] = None,
    wait: Annotated[
        bool, typer.Option(help="Follow the job with a progress bar to its end.")
    ] = False,
    timeout: Annotated[
        float, typer.Option(help="With --wait: give up after this many seconds.")
    ] = 3600,
    output: OutputOption = Output.table,
) -> None:
    """Start a sync of the organization's accounts (202 and a job id), or follow it with --wait.

    With --wait the command ends with the job: exit 0 when it succeeded, 1 otherwise.

    Example: costgrid sync --days-back 7 --account 3 --wait
    """
    api = client()
    body: dict[str, object] = {}
    if days_back is not None:
        body["days_back"] = days_back
    if account:
        body["account_ids"] = account
    started = api.call("POST", "/costs/sync", body=body)
    if not wait:
        emit(started, output)
        return
    note(f"sync job {started['job_id']} started")
    job = jobs.wait(api, int(started["job_id"]), timeout)
    emit(job, output, job.get("tasks") or [], TASK_COLUMNS)
    if message := jobs.failure(job):
        raise CliError(message)


def register(app: typer.Typer) -> None:
    app.command()(sync)
