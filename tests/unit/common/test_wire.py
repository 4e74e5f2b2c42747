from datetime import UTC, datetime, timedelta, timezone

from services.common.wire import timestamp_proto


def test_unset_instant_stays_unset():
    assert timestamp_proto(None) is None


def test_instant_in_another_zone_arrives_as_the_same_utc_moment():
    paris = datetime(2026, 3, 1, 13, 0, tzinfo=timezone(timedelta(hours=1)))
    stamp = timestamp_proto(paris)
    assert stamp is not None
    assert stamp.ToDatetime(tzinfo=UTC) == datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
