"""costgrid usage push and costgrid tenants estimate (metering)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from costgrid.client import CliError
from costgrid.output import Output, OutputOption, emit, note
from costgrid.session import client
from costgrid.usage_files import read_events

app = typer.Typer(help="Metering usage: push events.", no_args_is_help=True)
tenants = typer.Typer(help="Metering tenants: live estimates.", no_args_is_help=True)
OUTCOMES = ("accepted", "duplicate", "rejected")


@app.command("push")
def push(
    file: Annotated[Path, typer.Argument(help="Events as NDJSON (.ndjson/.jsonl) or CSV.")],
    batch_size: Annotated[int, typer.Option(min=1, max=10000, help="Events per request.")] = 1000,
    output: OutputOption = Output.table,
) -> None:
    """Send metering events in batches; prints how many were accepted, duplicate and rejected
    (exit 1 if any was rejected). Each event needs an id, so a re-push never doubles.

    CSV columns (and NDJSON keys): id, tenant_id, cluster_id, meter, quantity, unit,
    effective_time, sample_time.

    Example: costgrid usage push usage.ndjson --batch-size 500
    """
    events = read_events(file)
    api = client()
    results: list[dict[str, Any]] = []
    for start in range(0, len(events), batch_size):
        answer = api.call(
            "POST", "/metering/usage", body={"events": events[start : start + batch_size]}
        )
        results.extend(answer.get("results") or [])
    counts = {o: sum(r.get("outcome") == o for r in results) for o in OUTCOMES}
    emit({"results": results}, output, [counts], list(OUTCOMES))
    for r in results:
        if r.get("outcome") == "rejected":
            note(f"rejected {r.get('event_id')}: {r.get('reject_reason')} {r.get('message') or ''}")
    if counts["rejected"]:
        raise CliError(f"{counts['rejected']} of {len(results)} events rejected")


@tenants.command("estimate")
def estimate(
    tenant_id: Annotated[str, typer.Argument(help="The tenant's id.")],
    output: OutputOption = Output.table,
) -> None:
    """The tenant's live estimate for the current period.

    Example: costgrid tenants estimate acme-prod
    """
    body = client().get(f"/metering/tenants/{tenant_id}/estimate")
    emit(
        body,
        output,
        columns=["tenant_id", "period", "as_of_time", "base_fee", "credits_applied", "total"],
    )
