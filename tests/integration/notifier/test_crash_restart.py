"""A notifier killed mid-delivery resends after restart with the same idempotency key, so a
receiver that de-duplicates on it ends up with exactly one copy."""

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from costgrid.notifier.v1 import service_pb2 as pb

from tests.integration.notifier.conftest import deliveries, rule_for, webhook_channel
from tests.support.notifier_events import budget_crossed, publish

ROOT = Path(__file__).resolve().parents[3]


def _environment(settings) -> dict[str, str]:
    """The run's settings as the process reads them (COSTGRID_*), plus the notifier's own."""
    return {
        **os.environ,
        "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'gen'}",
        "COSTGRID_DATABASE_URL": settings.database_url,
        "COSTGRID_NATS_URL": settings.nats_url,
        "COSTGRID_NAMESPACE": settings.namespace,
        "COSTGRID_DB_ROLE_PASSWORD": settings.db_role_password.get_secret_value(),
        "COSTGRID_CONTEXT_SIGNING_KEY": settings.context_signing_key.get_secret_value(),
        "COSTGRID_ENCRYPTION_KEYS": settings.encryption_keys.get_secret_value(),
        "COSTGRID_NOTIFIER_ADDR": "127.0.0.1:0",
        "COSTGRID_METRICS_PORTS": json.dumps({"notifier": -1}),
        "COSTGRID_DB_POOL_SIZE": "3",
        "COSTGRID_LOG_LEVEL": "WARNING",
        "COSTGRID_NOTIFIER_ALLOWED_CIDRS": json.dumps(["127.0.0.0/8"]),
        "COSTGRID_NOTIFIER_ALLOW_PLAIN_HTTP": "true",
        "COSTGRID_NOTIFIER_ATTEMPT_TIMEOUT_SECONDS": "3",
        "COSTGRID_NOTIFIER_LEASE_MARGIN_SECONDS": "0.5",
        "COSTGRID_NOTIFIER_POLL_SECONDS": "0.02",
    }


def _spawn(settings, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "services.notifier"],
            cwd=ROOT,
            env=_environment(settings),
            stdout=out,
            stderr=subprocess.STDOUT,
        )


async def test_killed_mid_delivery_resends_with_the_same_key_and_receiver_keeps_one(
    org, webhook, bus, notifier, settings, tmp_path
):
    channel = await webhook_channel(org, webhook)
    await rule_for(org, [channel.id])
    await notifier.stop()  # only the processes below deliver now
    webhook.hang(60)  # the first request never gets its answer
    log = tmp_path / "notifier.log"
    first = _spawn(settings, log)
    try:
        await publish(bus, *budget_crossed(org.id), org.id)
        assert await asyncio.to_thread(webhook.wait_for, 1, 30), log.read_text()
        first.send_signal(signal.SIGKILL)
        first.wait(10)

        second = _spawn(settings, log)
        try:
            assert await asyncio.to_thread(webhook.wait_for, 2, 30), log.read_text()
            await asyncio.sleep(0.3)  # let the second process record the outcome
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(15)
    finally:
        if first.poll() is None:
            first.kill()
        await notifier.start()

    keys = [h["idempotency-key"] for h in webhook.arrival_headers]
    assert len(keys) == 2 and keys[0] == keys[1]
    assert list(webhook.by_key) == [keys[0]]
    [delivery] = await deliveries(org)
    assert delivery.status == pb.DELIVERY_STATUS_SUCCEEDED
    assert delivery.attempts == 2 and delivery.idempotency_key == keys[0]
