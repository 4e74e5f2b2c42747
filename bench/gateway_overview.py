"""GET /costs/overview through the gateway beside CostQueryService.GetOverview over gRPC.

    .venv/bin/python -m bench.gateway_overview [--seconds 8] [--concurrency 16]

Starts ingest and the gateway as real processes (`python -m services.<svc>`) on their own
database (dropped at the end), connects the FOCUS sample as a cloud account and syncs it
through the REST API, then asks the same overview question for a fixed time: first directly
over gRPC (the baseline, several concurrent calls on one channel), then through the gateway
with an httpx connection pool. Target: gateway throughput at least 0.8 of direct gRPC (with a
minimal keep-alive client, so the figure measures the gateway, not the load generator).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.append(str(ROOT / "gen"))

import httpx  # noqa: E402
from costgrid.ingest.v1 import service_pb2 as pb  # noqa: E402
from costgrid.ingest.v1 import service_pb2_grpc as grpc_ingest  # noqa: E402

from bench import _table as table  # noqa: E402
from bench._processes import start_suite  # noqa: E402
from services.common.caller import Caller  # noqa: E402
from services.common.clients import channel  # noqa: E402
from tests.support.infra import drop_run_database, infrastructure_urls, run_settings  # noqa: E402

TOKEN = "cg_bench_bootstrap_token_0123456789abcdef"
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "samples" / "focus-1.0" / "focus_sample.csv"
AS_OF = "2024-09-30"


async def _wait_up(client: httpx.AsyncClient, within: float = 90.0) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            if (await client.get("/api/v1/costs/overview")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.5)
    raise TimeoutError("the gateway and ingest did not come up")


async def _seed(client: httpx.AsyncClient) -> None:
    account = {
        "cloud_account": {
            "name": "focus-sample",
            "provider": "focus_file",
            "settings": {"focus_file": {}},  # filled by upload
        }
    }
    created = await client.post("/api/v1/cloud-accounts", json=account)
    created.raise_for_status()
    job = (
        await client.post(
            f"/api/v1/cloud-accounts/{created.json()['id']}/uploads",
            content=SAMPLE.read_bytes(),
            headers={"Content-Type": "text/csv"},
        )
    ).json()
    for _ in range(600):
        state = (await client.get(f"/api/v1/costs/sync/{job['job_id']}")).json()["status"]
        if state != "running":
            print(f"seeded the FOCUS sample: sync {state}")
            return
        await asyncio.sleep(0.1)


async def _load(
    call: Callable[[int], Awaitable[None]], seconds: float, concurrency: int
) -> tuple[float, list[float]]:
    latencies: list[float] = []
    stop = time.monotonic() + seconds

    async def worker(slot: int) -> None:
        while time.monotonic() < stop:
            started = time.perf_counter()
            await call(slot)
            latencies.append(time.perf_counter() - started)

    begin = time.monotonic()
    await asyncio.gather(*(worker(slot) for slot in range(concurrency)))
    return len(latencies) / (time.monotonic() - begin), latencies


class RawClient:
    """A minimal keep-alive HTTP/1.1 client (one connection per worker): it costs far less CPU
    than httpx, so on a small machine the figure measures the gateway, not the load generator."""

    def __init__(self, port: int, path: str) -> None:
        self._port = port
        self._request = (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {TOKEN}\r\n\r\n"
        ).encode()
        self._streams: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def call(self, slot: int) -> None:
        while len(self._streams) <= slot:
            self._streams.append(await asyncio.open_connection("127.0.0.1", self._port))
        reader, writer = self._streams[slot]
        writer.write(self._request)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError):  # idle keep-alive closed
            self._streams[slot] = reader, writer = await asyncio.open_connection(
                "127.0.0.1", self._port
            )
            writer.write(self._request)
            head = await reader.readuntil(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200"), head
        length = next(
            int(line.split(b":")[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length")
        )
        await reader.readexactly(length)

    async def close(self) -> None:
        for _, writer in self._streams:
            writer.close()


def _p99(latencies: list[float]) -> float:
    return statistics.quantiles(latencies, n=100)[98] * 1000


async def _bench(
    http_port: int, grpc_port: int, seconds: float, concurrency: int, key: bytes
) -> list[table.Row]:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{http_port}", headers=headers, limits=limits, timeout=30
    ) as client:
        await _wait_up(client)
        await _seed(client)
        sample = await client.get("/api/v1/costs/overview", params={"as_of_date": AS_OF})
        print(f"overview answers {sample.status_code}: {sample.text[:160]}...")
        grpc_channel = channel(
            f"127.0.0.1:{grpc_port}", key, caller_of=lambda: Caller("default", "viewer", "bench")
        )
        stub = grpc_ingest.CostQueryServiceStub(grpc_channel)
        request = pb.GetOverviewRequest(as_of_date=AS_OF)

        async def direct(slot: int) -> None:
            await stub.GetOverview(request)

        async def via_httpx(slot: int) -> None:
            response = await client.get("/api/v1/costs/overview", params={"as_of_date": AS_OF})
            assert response.status_code == 200, response.text

        raw = RawClient(http_port, f"/api/v1/costs/overview?as_of_date={AS_OF}")
        for call in (direct, raw.call, via_httpx):  # warm-up
            await _load(call, 1.0, concurrency)
        results = {
            "direct gRPC GetOverview": await _load(direct, seconds, concurrency),
            "gateway, keep-alive raw": await _load(raw.call, seconds, concurrency),
            "gateway, httpx pool": await _load(via_httpx, seconds, concurrency),
        }
        await raw.close()
        await grpc_channel.close()
    print(f"\nconcurrency {concurrency}, {seconds:.0f} s each")
    baseline = results["direct gRPC GetOverview"][0]
    for name, (rps, lat) in results.items():
        ms = statistics.median(lat) * 1000
        print(
            f"{name:<24}: {rps:7.1f} req/s  p50 {ms:6.2f} ms  p99 {_p99(lat):7.2f} ms"
            f"  ratio {rps / baseline:4.2f}"
        )
    size = f"FOCUS sample, {concurrency} concurrent"
    return [
        table.Row(
            "gateway_overview: REST req/s vs direct gRPC",
            size,
            results["gateway, keep-alive raw"][0],
            "req/s",
            baseline,
            table.at_least(0.8),
        ),
        table.Row(
            "gateway_overview: REST via httpx vs direct gRPC",
            size,
            results["gateway, httpx pool"][0],
            "req/s",
            baseline,
        ),
    ]


SECONDS = {"small": 3.0, "default": 8.0, "large": 20.0}


def main() -> list[table.Row]:
    parser = table.arguments(__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=SECONDS[table.size()])
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    settings = run_settings(*infrastructure_urls())
    suite = start_suite(
        settings,
        ("ingest", "gateway"),
        COSTGRID_BOOTSTRAP_TOKEN=TOKEN,
        COSTGRID_GATEWAY_RATE_LIMIT_PER_SECOND="0",
    )
    try:
        key = settings.context_signing_key.get_secret_value().encode()
        return asyncio.run(
            _bench(suite.http, suite.grpc["ingest"], args.seconds, args.concurrency, key)
        )
    finally:
        suite.stop()
        asyncio.run(drop_run_database(settings))


if __name__ == "__main__":
    table.report(main())
