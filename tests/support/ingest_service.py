"""The ingest service in tests: started on the run's settings, called as any caller."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from costgrid.common.v1 import provider_pb2
from costgrid.ingest.v1 import service_pb2 as pb
from costgrid.ingest.v1 import service_pb2_grpc as grpc_ingest
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from services.common.caller import Caller
from services.common.messaging import EVENTS_STREAM, Messaging
from services.common.server import RunningService, start
from services.common.settings import Settings
from services.ingest.bootstrap import definition
from services.ingest.settings import IngestSettings
from tests.support.grpc_client import channel_as

# One configuration for every test module: the work-queue consumer is durable and shared.
TEST_CONFIG = {
    "ingest_workers": 2,
    "ingest_task_retry_seconds": 0.1,
    "ingest_busy_retry_seconds": 0.2,
    "ingest_scheduler_poll_seconds": 3600,
    "ingest_test_connection_timeout_seconds": 20,
}


def ingest_settings(settings: Settings) -> IngestSettings:
    """The run's settings with TEST_CONFIG; the other ingest settings from the environment."""
    return IngestSettings(**{**settings.model_dump(), **TEST_CONFIG})


@asynccontextmanager
async def running_ingest(settings: Settings) -> AsyncIterator[RunningService]:
    service = await start(definition(), ingest_settings(settings))
    try:
        yield service
    finally:
        await service.stop(grace=1)


class Client:
    """Stubs of the three ingest services, calling as one caller."""

    def __init__(self, address: str, settings: Settings, caller: Caller) -> None:
        self.org_id = caller.org_id
        self.channel = channel_as(address, settings, caller)
        self.accounts = grpc_ingest.CloudAccountServiceStub(self.channel)
        self.sync = grpc_ingest.SyncServiceStub(self.channel)

    async def close(self) -> None:
        await self.channel.close()


SECRET = "wJalrXUtnFEMI-very-secret-key"


def aws_account(name: str = "Prod", endpoint: str = "", **settings: str) -> pb.CloudAccount:
    return pb.CloudAccount(
        name=name,
        provider=provider_pb2.PROVIDER_AWS,
        settings=pb.CloudAccountSettings(aws=pb.AwsSettings(**settings)),
        endpoint=endpoint,
    )


def aws_keys() -> pb.CloudAccountCredentials:
    return pb.CloudAccountCredentials(
        aws=pb.AwsCredentials(access_key_id="AKIDEXAMPLE", secret_access_key=SECRET)
    )


async def create(
    client: Client, account: pb.CloudAccount, creds=None, request_id: str = ""
) -> pb.CloudAccount:
    request = pb.CreateCloudAccountRequest(
        cloud_account=account, credentials=creds or aws_keys(), request_id=request_id
    )
    return (await client.accounts.CreateCloudAccount(request)).cloud_account


def new_org() -> str:
    return f"org-{uuid.uuid4().hex[:8]}"


async def wait_job(client: Client, job_id: int, within: float = 30.0) -> pb.SyncJob:
    deadline = asyncio.get_running_loop().time() + within
    while True:
        job = (await client.sync.GetSyncJob(pb.GetSyncJobRequest(job_id=job_id))).sync_job
        if job.status != pb.SYNC_JOB_STATUS_RUNNING:
            return job
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"sync job {job_id} still running after {within}s: {job}")
        await asyncio.sleep(0.1)


@asynccontextmanager
async def event_tap(messaging: Messaging, subject: str) -> AsyncIterator[object]:
    """A throwaway consumer of `subject` from now on, for asserting what was published."""
    ns = messaging.namespace
    stream = ns.stream(EVENTS_STREAM.name)
    name = f"tap-{uuid.uuid4().hex[:10]}"
    await messaging.js.add_consumer(
        stream,
        ConsumerConfig(
            durable_name=name,
            filter_subject=ns.subject(subject),
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.NEW,
        ),
    )
    psub = await messaging.js.pull_subscribe_bind(name, stream=stream)
    try:
        yield psub
    finally:
        await messaging.js.delete_consumer(stream, name)
