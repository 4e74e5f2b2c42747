"""The kit's clocks read UTC, with the zone attached."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.common.clock import utc_now, utc_today


def test_now_is_aware_and_in_utc():
    before = datetime.now(UTC)
    now = utc_now()
    assert now.utcoffset() == timedelta(0)
    assert before <= now <= datetime.now(UTC)


def test_today_is_the_utc_date():
    before = datetime.now(UTC).date()
    assert utc_today() in (before, before + timedelta(days=1))
