"""Benchmark: 1,000 alert events through NATS to a local webhook receiver.

Publishes BudgetThresholdCrossed events straight to JetStream (Nats-Msg-Id = event id, as the
outbox relay does) at a steady rate, through a notifier started in-process with production
defaults (except that the loopback receiver is allowed), and measures at the receiver:
deliveries (must be exactly 1,000 distinct idempotency keys, no more requests than that) and
event-to-delivery latency (receipt time minus publish time). Baselines in the same run: raw
JetStream publish-to-consume latency at the same rate, and raw signed POSTs to the receiver.

    .venv/bin/python -m bench.notifier_delivery [--events 1000] [--rate 50 0]

Each rate is a case of its own (fresh service, database and receiver); `--rate 0` publishes
everything at once (a burst: latency then includes queueing, and the run gives the
notifier's delivery ceiling, beside raw signed POSTs to the same receiver). Targets: p99
under 1 s at a steady rate and for 1,000 alerts at once, >= 500 deliveries/s in the burst,
each event delivered exactly once.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
import uuid
from pathlib import Path

# `python -m bench.notifier_delivery` without make's PYTHONPATH: the generated protos live in gen/.
sys.path.append(str(Path(__file__).resolve().parents[1] / "gen"))

import httpx
from costgrid.notifier.v1 import service_pb2 as pb
from costgrid.notifier.v1 import service_pb2_grpc as grpc_notifier
from nats.js.api import ConsumerConfig, DeliverPolicy

from bench import _table as table
from services.common.caller import Caller
from services.common.messaging import Namespace, connect, delete_streams, ensure_streams
from services.common.server import start
from services.notifier.bootstrap import definition
from services.notifier.settings import NotifierSettings
from tests.support.grpc_client import channel_as
from tests.support.infra import drop_run_database, infrastructure_urls, run_settings
from tests.support.notifier_events import budget_crossed, publish


def serve_receiver(secret: str, port_out, results_in, results_out) -> None:
    """A minimal asyncio webhook receiver in its own process, so its work does not slow the
    notifier: verifies each signature, records (receipt time, key, event id), answers 200."""
    import hashlib
    import hmac

    records: list[tuple[float, str, str]] = []
    bad = [0]

    async def client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode().split("\r\n")
                headers = {
                    k.strip().lower(): v.strip()
                    for k, _, v in (line.partition(":") for line in lines[1:] if line)
                }
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                at = time.time()
                stamp = headers.get("costgrid-timestamp", "")
                mac = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256)
                if hmac.compare_digest(
                    f"v1={mac.hexdigest()}", headers.get("costgrid-signature", "")
                ):
                    event_id = json.loads(body).get("event_id", "")
                    records.append((at, headers.get("idempotency-key", ""), event_id))
                    status = b"200 OK"
                else:
                    bad[0] += 1
                    status = b"401 Unauthorized"
                writer.write(b"HTTP/1.1 " + status + b"\r\nContent-Length: 2\r\n\r\nok")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(client, "127.0.0.1", 0, backlog=512)
        port_out.send(server.sockets[0].getsockname()[1])
        await asyncio.get_running_loop().run_in_executor(None, results_in.recv)
        results_out.send((records, bad[0]))

    asyncio.run(main())


class ReceiverProcess:
    def __init__(self, secret: str) -> None:
        import multiprocessing

        self.secret = secret
        context = multiprocessing.get_context("spawn")
        port_recv, port_send = context.Pipe(duplex=False)
        self._ask_recv, self._ask_send = context.Pipe(duplex=False)
        self._res_recv, res_send = context.Pipe(duplex=False)
        self._process = context.Process(
            target=serve_receiver, args=(secret, port_send, self._ask_recv, res_send), daemon=True
        )
        self._process.start()
        self.url = f"http://127.0.0.1:{port_recv.recv()}"

    def results(self) -> tuple[list[tuple[float, str, str]], int]:
        self._ask_send.send("results")
        records, bad = self._res_recv.recv()
        self._process.join(5)
        return records, bad


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def summary(name: str, latencies: list[float]) -> str:
    ms = [v * 1000 for v in latencies]
    return (
        f"{name:<34} n={len(ms):>5}  p50={percentile(ms, 50):7.1f} ms  "
        f"p90={percentile(ms, 90):7.1f} ms  p99={percentile(ms, 99):7.1f} ms  "
        f"max={max(ms):7.1f} ms"
    )


async def paced(count: int, rate: float, send) -> None:
    started = time.perf_counter()
    for i in range(count):
        if rate:
            delay = started + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
        await send(i)


async def raw_nats_baseline(bus, count: int, rate: float) -> list[float]:
    subject = bus.namespace.subject("costgrid.bench.raw.v1")
    sent: dict[str, float] = {}
    got: list[float] = []
    done = asyncio.Event()

    async def on_message(msg) -> None:
        got.append(time.time() - sent[msg.headers["Nats-Msg-Id"]])
        await msg.ack()
        if len(got) == count:
            done.set()

    sub = await bus.js.subscribe(
        subject, cb=on_message, config=ConsumerConfig(deliver_policy=DeliverPolicy.NEW)
    )

    async def send(i: int) -> None:
        msg_id = str(uuid.uuid4())
        sent[msg_id] = time.time()
        await bus.js.publish(subject, b"x", headers={"Nats-Msg-Id": msg_id})

    await paced(count, rate, send)
    await asyncio.wait_for(done.wait(), 60)
    await sub.unsubscribe()
    return got


def signed_post(url: str, secret: str, i: int) -> tuple[dict[str, str], bytes]:
    import hashlib
    import hmac

    body = json.dumps({"event_id": f"raw-{i}"}).encode()
    stamp = str(int(time.time()))
    mac = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256)
    return {
        "Content-Type": "application/json",
        "Costgrid-Timestamp": stamp,
        "Costgrid-Signature": f"v1={mac.hexdigest()}",
        "Idempotency-Key": f"raw-{i}",
    }, body


async def raw_http_baseline(url: str, secret: str, count: int) -> float:
    """Seconds for `count` signed POSTs with httpx (the notifier's client), 32 at a time."""
    semaphore = asyncio.Semaphore(32)
    async with httpx.AsyncClient() as client:

        async def post(i: int) -> None:
            headers, body = signed_post(url, secret, i)
            async with semaphore:
                response = await client.post(url + "/raw", content=body, headers=headers)
                response.raise_for_status()

        started = time.perf_counter()
        await asyncio.gather(*(post(i) for i in range(count)))
        return time.perf_counter() - started


async def raw_stream_baseline(url: str, secret: str, count: int, connections: int = 32) -> float:
    """Seconds for `count` signed POSTs over `connections` keep-alive sockets, written by hand:
    the fastest a Python sender gets, with no HTTP library's cost per request."""
    host, port = url.removeprefix("http://").split(":")
    pending = iter(range(count))

    async def connection() -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        for i in pending:
            headers, body = signed_post(url, secret, i)
            head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
            writer.write(
                f"POST /raw HTTP/1.1\r\nHost: {host}\r\n{head}Content-Length: {len(body)}"
                "\r\n\r\n".encode()
                + body
            )
            answer = await reader.readuntil(b"\r\n\r\n")
            assert answer.startswith(b"HTTP/1.1 200"), answer
            await reader.readexactly(2)  # the receiver's "ok"
        writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(connections)))
    return time.perf_counter() - started


async def setup_org(address: str, settings, url: str, secret: str) -> str:
    org = f"bench-{uuid.uuid4().hex[:6]}"
    stub = grpc_notifier.NotificationServiceStub(
        channel_as(address, settings, Caller(org, "admin", "bench"))
    )
    channel = (
        await stub.CreateChannel(
            pb.CreateChannelRequest(
                channel=pb.Channel(
                    name="bench",
                    type=pb.CHANNEL_TYPE_WEBHOOK,
                    config=pb.ChannelConfig(webhook=pb.WebhookConfig(url=url + "/in")),
                ),
                secrets=pb.ChannelSecrets(webhook=pb.WebhookSecrets(signing_secret=secret)),
            )
        )
    ).channel
    await stub.CreateRule(
        pb.CreateRuleRequest(
            rule=pb.Rule(
                name="all budgets",
                trigger_type=pb.TRIGGER_TYPE_BUDGET_THRESHOLD,
                channel_ids=[channel.id],
                enabled=True,
            )
        )
    )
    return org


async def run(events: int, rate: float, receiver: ReceiverProcess) -> list[table.Row]:
    settings = run_settings(*infrastructure_urls(), db_pool_size=10, log_level="ERROR")
    bus = await connect(settings.nats_url, "bench", Namespace(settings.namespace))
    await ensure_streams(bus)
    notifier_settings = NotifierSettings(
        **{
            **settings.model_dump(),
            "notifier_allowed_cidrs": ["127.0.0.0/8"],
            "notifier_allow_plain_http": True,
        }
    )
    service = await start(definition(), notifier_settings)
    try:
        org = await setup_org(service.address, settings, receiver.url, receiver.secret)
        raw_nats = await raw_nats_baseline(bus, events, rate)
        httpx_seconds = await raw_http_baseline(receiver.url, receiver.secret, events)
        raw_http_seconds = await raw_stream_baseline(receiver.url, receiver.secret, events)
        print(
            f"  baseline: signed POSTs through httpx, 32 at a time: {events / httpx_seconds:.0f}/s"
        )

        published: dict[str, float] = {}

        async def send(i: int) -> None:
            subject, message = budget_crossed(org, budget_id=i + 1)
            published[message.event_id] = time.time()
            await publish(bus, subject, message, org)

        started = time.perf_counter()
        await paced(events, rate, send)
        publish_seconds = time.perf_counter() - started
        await wait_for_deliveries(service, events)
        total_seconds = time.perf_counter() - started
        await asyncio.sleep(2)  # anything sent twice would arrive by now
        stages = await stage_times(service)
    finally:
        await service.stop(grace=1)
        await delete_streams(bus)
        await bus.close()
        await drop_run_database(settings)
    records, bad = receiver.results()
    ours = [r for r in records if r[2] in published]
    keys = {r[1] for r in ours}
    first_seen: dict[str, float] = {}
    for at, _key, event_id in ours:
        first_seen.setdefault(event_id, at)
    latencies = [first_seen[e] - published[e] for e in first_seen]
    rows = report(
        events,
        rate,
        len(keys),
        len(ours),
        bad,
        publish_seconds,
        total_seconds,
        latencies,
        raw_nats,
        raw_http_seconds,
    )
    planned = [stages[e][0] - published[e] for e in stages if e in published]
    claimed = [stages[e][1] - stages[e][0] for e in stages]
    sent = [first_seen[e] - stages[e][1] for e in stages if e in first_seen]
    print("  where the time goes (database clock, same machine):")
    print("    " + summary("publish -> deliveries planned", planned))
    print("    " + summary("planned -> claimed by the worker", claimed))
    print("    " + summary("claimed -> at the receiver", sent))
    return rows


async def stage_times(service) -> dict[str, tuple[float, float]]:
    """Per event: when its delivery was planned (inbox commit) and last claimed."""
    from sqlalchemy import text

    async with service.runtime.db.transaction() as session:
        rows = await session.execute(
            text(
                "SELECT event_id, extract(epoch FROM created_at)::float8 AS planned, "
                "extract(epoch FROM last_attempt_at)::float8 AS claimed FROM deliveries"
            )
        )
        return {r.event_id: (r.planned, r.claimed) for r in rows}


async def wait_for_deliveries(service, events: int) -> None:
    """Until the notifier's database shows every delivery settled (or two minutes pass)."""
    from sqlalchemy import text

    db = service.runtime.db
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        async with db.transaction() as session:
            sent = (
                await session.execute(text("SELECT count(*) FROM deliveries WHERE status = 'SENT'"))
            ).scalar_one()
        if sent >= events:
            return
        await asyncio.sleep(0.1)


def report(
    events,
    rate,
    distinct,
    requests,
    bad,
    publish_seconds,
    total_seconds,
    latencies,
    raw_nats,
    raw_http_seconds,
) -> list[table.Row]:
    p99 = percentile(latencies, 99) if latencies else float("inf")
    case = f"{events:,} at once" if not rate else f"{events:,} at {rate:g}/s"
    print(f"\nnotifier delivery benchmark: {case}")
    print(f"  delivered (distinct idempotency keys): {distinct} of {events}")
    print(
        f"  requests received by the webhook:      {requests} (duplicates: "
        f"{requests - distinct}, bad signatures: {bad})"
    )
    print(
        f"  published in {publish_seconds:.2f} s; all delivered after {total_seconds:.2f} s "
        f"({distinct / total_seconds:.0f} deliveries/s)"
    )
    if latencies:
        print("  " + summary("event -> webhook (notifier)", latencies))
    print("  " + summary("baseline: raw JetStream pub -> sub", raw_nats))
    print(f"  baseline: raw signed POSTs, 32 keep-alive sockets: {events / raw_http_seconds:.0f}/s")
    rows = [
        table.Row(
            "notifier_delivery: p99 event->webhook vs raw JetStream",
            case,
            p99 * 1000,
            "ms",
            percentile(raw_nats, 99) * 1000,
            table.at_most(1000, "figure"),
        ),
        table.Row(
            "notifier_delivery: distinct deliveries / events",
            case,
            distinct,
            "",
            events,
            table.between(1, 1, "ratio"),
        ),
        table.Row(
            "notifier_delivery: duplicate requests",
            case,
            requests - distinct,
            "",
            None,
            table.at_most(0, "figure"),
        ),
    ]
    if not rate:
        rows.append(
            table.Row(
                "notifier_delivery: deliveries/s vs raw signed POSTs",
                case,
                distinct / total_seconds,
                "/s",
                events / raw_http_seconds,
                table.at_least(500, "figure"),
            )
        )
    return rows


CASES = {
    "small": (200, [50.0, 0.0]),
    "default": (1000, [50.0, 0.0]),
    "large": (1000, [50.0, 200.0, 0.0]),
}


def main() -> list[table.Row]:
    events, rates = CASES[table.size()]
    parser = table.arguments(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=events)
    parser.add_argument(
        "--rate", type=float, nargs="+", default=rates, help="events per second; 0 = burst"
    )
    args = parser.parse_args()
    rows = []
    for rate in args.rate:
        rows += asyncio.run(run(args.events, rate, ReceiverProcess(secret="bench-secret")))
    return rows


if __name__ == "__main__":
    table.report(main())
