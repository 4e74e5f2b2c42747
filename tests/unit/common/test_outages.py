"""Which failures are outages of PostgreSQL or NATS (UNAVAILABLE), and which are bugs."""

import asyncpg
import nats.errors
import sqlalchemy.exc

from services.common import logging as logs
from services.common.outages import NATS, POSTGRES, dependency_down


def _wrapped(error: BaseException, by: BaseException) -> BaseException:
    try:
        try:
            raise error
        except BaseException as inner:
            raise by from inner
    except BaseException as outer:
        return outer


def test_a_connection_lost_mid_statement_is_postgres_down():
    lost = asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation")
    assert dependency_down(_wrapped(lost, sqlalchemy.exc.InterfaceError("x", {}, lost))) == POSTGRES


def test_a_refused_connection_is_down_only_when_the_database_or_nats_raised_it():
    refused = ConnectionRefusedError(111, "Connect call failed")
    assert dependency_down(_wrapped(refused, nats.errors.NoServersError())) == NATS
    assert (
        dependency_down(_wrapped(refused, sqlalchemy.exc.OperationalError("x", {}, refused)))
        == POSTGRES
    )
    assert dependency_down(refused) is None  # a provider's endpoint, say: not ours to call down


def test_nats_timeouts_and_missing_servers_are_nats_down():
    assert dependency_down(nats.errors.TimeoutError()) == NATS
    assert dependency_down(nats.errors.NoServersError()) == NATS


def test_a_bad_statement_or_a_missing_file_is_not_an_outage():
    assert dependency_down(sqlalchemy.exc.ProgrammingError("x", {}, Exception("syntax"))) is None
    assert dependency_down(FileNotFoundError(2, "no such file")) is None
    assert dependency_down(RuntimeError("bug")) is None


def test_a_limited_warning_is_written_once_per_window_then_counts_what_it_held_back(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(logs.time, "monotonic", lambda: now[0])
    limiter = logs._Limiter()
    assert limiter.admit(("e", "postgres")) == 0
    assert [limiter.admit(("e", "postgres")) for _ in range(5)] == [None] * 5
    assert limiter.admit(("e", "nats")) == 0  # another key has its own window
    now[0] += logs.LIMITED_EVERY_SECONDS
    assert limiter.admit(("e", "postgres")) == 5
