"""gRPC servicer of SyncService: proto in, handler call, proto out."""

from __future__ import annotations

from collections.abc import AsyncIterator

from costgrid.ingest.v1 import service_pb2 as pb
from costgrid.ingest.v1 import service_pb2_grpc as grpc_ingest

from services.common.errors import DomainError, InvalidArgument
from services.common.servicer import Ctx
from services.common.wire import timestamp_proto as _stamp
from services.ingest.deps import Deps
from services.ingest.domain.sync_skips import Skipped
from services.ingest.handlers import sync_jobs as handlers
from services.ingest.handlers import uploads
from services.ingest.handlers.events import date_range
from services.ingest.repository.sync_jobs import JobRow, TaskRow


def _task(task: TaskRow) -> pb.SyncTask:
    return pb.SyncTask(
        account_id=task.account_id,
        account_name=task.account_name,
        status=pb.SyncTaskStatus.Value(f"SYNC_TASK_STATUS_{task.status}"),
        rows=task.rows,
        window=date_range(task.window),
        error=task.error or "",
        attempts=task.attempts,
        start_time=_stamp(task.started_at),
        finish_time=_stamp(task.finished_at),
    )


def skipped_proto(skipped: list[Skipped]) -> list[pb.SkippedAccount]:
    return [
        pb.SkippedAccount(
            account_id=s.account_id,
            account_name=s.account_name,
            reason=pb.SyncSkipReason.Value(f"SYNC_SKIP_REASON_{s.reason}"),
        )
        for s in skipped
    ]


def job_proto(job: JobRow, tasks: list[TaskRow]) -> pb.SyncJob:
    return pb.SyncJob(
        id=job.id,
        status=pb.SyncJobStatus.Value(f"SYNC_JOB_STATUS_{job.status}"),
        trigger=pb.SyncTrigger.Value(f"SYNC_TRIGGER_{job.trigger}"),
        days_back=job.days_back,
        tasks=[_task(t) for t in tasks],
        create_time=_stamp(job.created_at),
        finish_time=_stamp(job.finished_at),
        skipped=skipped_proto(job.skipped),
    )


class SyncApi(grpc_ingest.SyncServiceServicer):
    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    async def TriggerSync(
        self, request: pb.TriggerSyncRequest, context: Ctx
    ) -> pb.TriggerSyncResponse:
        started = await handlers.trigger_sync(
            self._deps, list(request.account_ids), request.days_back, request.request_id
        )
        return pb.TriggerSyncResponse(
            job_id=started.job_id,
            status=pb.SyncJobStatus.Value(f"SYNC_JOB_STATUS_{started.status}"),
            skipped=skipped_proto(started.skipped),
        )

    async def GetSyncJob(
        self, request: pb.GetSyncJobRequest, context: Ctx
    ) -> pb.GetSyncJobResponse:
        job, tasks = await handlers.get_job(self._deps, request.job_id)
        return pb.GetSyncJobResponse(sync_job=job_proto(job, tasks))

    async def ListSyncJobs(
        self, request: pb.ListSyncJobsRequest, context: Ctx
    ) -> pb.ListSyncJobsResponse:
        status = None
        if request.status:
            try:
                status = pb.SyncJobStatus.Name(request.status).removeprefix("SYNC_JOB_STATUS_")
            except ValueError:
                raise InvalidArgument("status", f"unknown status {request.status}") from None
        jobs, token = await handlers.list_jobs(
            self._deps, request.page_size, request.page_token, request.account_id, status
        )
        return pb.ListSyncJobsResponse(
            sync_jobs=[job_proto(j, t) for j, t in jobs], next_page_token=token
        )

    async def UploadFocusFile(
        self, request_iterator: AsyncIterator[pb.UploadFocusFileRequest], context: Ctx
    ) -> pb.UploadFocusFileResponse:
        first = await anext(aiter(request_iterator), None)
        if first is None or first.WhichOneof("part") != "header":
            raise InvalidArgument("header", "the first message must be the upload's header")
        h = first.header
        header = uploads.UploadHeader(
            h.account_id,
            h.content_type,
            h.content_encoding,
            h.declared_size,
            h.sha256,
            h.request_id,
        )
        try:
            done = await uploads.upload(self._deps, header, _chunks(request_iterator))
        except DomainError:
            # A status sent while the client still streams can reach it as a reset stream
            # (INTERNAL) instead; the rest is read and dropped so the refusal arrives as such.
            async for _ in request_iterator:
                pass
            raise
        return pb.UploadFocusFileResponse(
            job_id=done.job_id,
            status=pb.SyncJobStatus.Value(f"SYNC_JOB_STATUS_{done.status}"),
            sha256=done.sha256,
            size_bytes=done.size_bytes,
            format=done.format,
        )


async def _chunks(parts: AsyncIterator[pb.UploadFocusFileRequest]) -> AsyncIterator[bytes]:
    async for part in parts:
        if part.WhichOneof("part") != "chunk":
            raise InvalidArgument("header", "only the first message is a header")
        yield part.chunk
