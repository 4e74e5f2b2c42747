"""One COPY statement kept open across chunks, so PostgreSQL never waits between them.

A COPY per chunk left the server idle from each statement's end until the next chunk's rows
arrived, and paid a statement's set-up each time. `LineItemCopy.write` feeds the open
statement (opening one if none is); `pause` ends it when the connection is needed for
something else (a new partition, a delete, partial rollups), and the next write opens
another. At most one chunk waits here beyond what the connection is sending, so memory stays
flat and a fast producer is held back by the server's pace.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from types import TracebackType

import asyncpg

from services.ingest.sync.chunks import COPY_COLUMNS, NOT_NULL_TEXT


class LineItemCopy:
    def __init__(self, conn: asyncpg.Connection, table: str) -> None:
        self._conn = conn
        self._table = table
        self._pending: asyncio.Queue[memoryview | None] = asyncio.Queue(maxsize=1)
        self._copy: asyncio.Task[str] | None = None

    async def write(self, data: memoryview) -> None:
        if self._copy is None:
            source = self._source()
            self._copy = asyncio.create_task(
                self._conn.copy_to_table(
                    self._table,
                    source=source,
                    columns=COPY_COLUMNS,
                    format="csv",
                    force_not_null=NOT_NULL_TEXT,
                )
            )
        await self._hand_over(data, self._copy)

    async def pause(self) -> None:
        """Ends the open statement, if any, once the server has taken everything written."""
        copy, self._copy = self._copy, None
        if copy is not None:
            await self._hand_over(None, copy)
            await copy

    async def _hand_over(self, data: memoryview | None, copy: asyncio.Task[str]) -> None:
        put = asyncio.ensure_future(self._pending.put(data))
        try:
            done, _ = await asyncio.wait((put, copy), return_when=asyncio.FIRST_COMPLETED)
        except BaseException:
            put.cancel()
            raise
        if put in done:
            return
        put.cancel()
        await copy  # the statement ended before taking its data: raises why
        raise RuntimeError(f"COPY into {self._table} ended before taking its data")

    async def _source(self) -> AsyncIterator[memoryview]:
        while (data := await self._pending.get()) is not None:
            yield data

    async def __aenter__(self) -> LineItemCopy:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        # Also on an error: the statement ends cleanly and the caller's transaction, which
        # the error rolls back, takes its rows with it.
        await self.pause()
