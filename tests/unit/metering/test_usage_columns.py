"""UsageBatch.columns read into the same event fields as UsageEvent messages."""

from costgrid.metering.v1 import events_pb2
from costgrid.metering.v1 import service_pb2 as pb

from services.metering.convert import column_fields, event_fields


def _columns(**overrides) -> events_pb2.UsageColumns:
    values = {
        "ids": ["a", "b"],
        "tenant_ids": ["t1", "t2"],
        "cluster_ids": ["c1", "c2"],
        "meters": ["cpu", "logs_bytes"],
        "quantities": ["2", "1000"],
        "units": [],
        "time_seconds": [1_700_000_000, 0],
        **overrides,
    }
    return events_pb2.UsageColumns(**values)


def test_columns_give_the_fields_an_event_message_gives():
    event = pb.UsageEvent(id="a", tenant_id="t1", cluster_id="c1", meter="cpu", quantity="2")
    event.effective_time.seconds = 1_700_000_000
    fields = column_fields(_columns())
    assert fields is not None
    assert fields[0] == event_fields(event)
    # An empty unit column means no units; time 0 is a missing time, as an unset Timestamp.
    assert fields[1] == ("b", "t2", "c2", "logs_bytes", "", "1000", None)


def test_units_when_given_are_per_event():
    fields = column_fields(_columns(units=["vCPU", "bytes"]))
    assert fields is not None
    assert [f[4] for f in fields] == ["vCPU", "bytes"]


def test_columns_of_different_lengths_are_unreadable():
    assert column_fields(_columns(quantities=["2"])) is None
    assert column_fields(_columns(units=["vCPU"])) is None
    assert column_fields(_columns(time_seconds=[1, 2, 3])) is None
