"""Which accounts a sync of every account leaves out, and why: said in the job's answer
instead of a silent success."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, TypeVar

DEMO, INACTIVE, ARCHIVED = "DEMO", "INACTIVE", "ARCHIVED"


class Syncable(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def active(self) -> bool: ...
    @property
    def demo(self) -> bool: ...
    @property
    def archived(self) -> bool: ...


@dataclass(frozen=True)
class Skipped:
    account_id: int
    account_name: str
    reason: str  # DEMO | INACTIVE | ARCHIVED


A = TypeVar("A", bound=Syncable)


def skip_reason(account: Syncable) -> str | None:
    """Archived before inactive: an archived account is inactive too, and for good."""
    if account.archived:
        return ARCHIVED
    if account.demo:
        return DEMO
    if not account.active:
        return INACTIVE
    return None


def partition(accounts: Iterable[A]) -> tuple[list[A], list[Skipped]]:
    targets: list[A] = []
    skipped: list[Skipped] = []
    for account in accounts:
        reason = skip_reason(account)
        if reason is None:
            targets.append(account)
        else:
            skipped.append(Skipped(account.id, account.name, reason))
    return targets, skipped
