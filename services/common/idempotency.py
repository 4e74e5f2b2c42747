"""Create-once by a caller's `request_id`: a retried create returns what the first one made.

The services' tables carry a unique `(org_id, request_id)` (for non-null ids), and their
inserts are `INSERT ... ON CONFLICT DO NOTHING RETURNING`, so two concurrent retries cannot
both insert: the loser gets no row and finds the winner's, inside the same transaction.
What a replay then answers (the row as is, or an error when it was deleted since or holds
a secret that cannot be shown twice) stays each service's rule: `created` tells them apart.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Generic, NamedTuple, TypeVar

T = TypeVar("T")


class Once(NamedTuple, Generic[T]):
    row: T
    created: bool  # False: an earlier create with the same request_id made `row`


async def create_once(
    request_id: str,
    find: Callable[[str], Awaitable[T | None]],
    insert: Callable[[], Awaitable[T | None]],
) -> Once[T]:
    """`find(request_id)` looks an earlier create up; `insert()` creates, or gives None when a
    concurrent create with the same request_id committed first. Without a request_id every
    call inserts. Run both in the caller's one transaction."""
    if request_id and (earlier := await find(request_id)) is not None:
        return Once(earlier, created=False)
    row = await insert()
    if row is not None:
        return Once(row, created=True)
    winner = await find(request_id) if request_id else None
    if winner is None:
        # Only a request_id conflict may skip the insert; anything else is a bug in `insert`.
        raise RuntimeError(f"insert gave no row and request_id {request_id!r} finds none")
    return Once(winner, created=False)
