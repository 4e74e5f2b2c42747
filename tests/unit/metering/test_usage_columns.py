"""UsageBatch.columns read into the same event fields as UsageEvent messages."""

from costgrid.metering.v1 import service_pb2 as pb

from services.metering.api.convert import add_columns, event_fields
from services.metering.domain.usage import Events


def _columns(**overrides) -> pb.UsageColumns:
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
    return pb.UsageColumns(**values)


def test_columns_give_the_fields_an_event_message_gives():
    event = pb.UsageEvent(id="a", tenant_id="t1", cluster_id="c1", meter="cpu", quantity="2")
    event.effective_time.seconds = 1_700_000_000
    events = Events()
    assert add_columns(events, _columns())
    rows = list(events.rows())
    assert rows[0] == event_fields(event)
    # An empty unit column means no units; time 0 is a missing time, as an unset Timestamp.
    assert rows[1] == ("b", "t2", "c2", "logs_bytes", "", "1000", 0)
    assert rows[1] == event_fields(
        pb.UsageEvent(id="b", tenant_id="t2", cluster_id="c2", meter="logs_bytes", quantity="1000")
    )


def test_units_when_given_are_per_event():
    events = Events()
    assert add_columns(events, _columns(units=["vCPU", "bytes"]))
    assert events.units == ["vCPU", "bytes"]


def test_columns_of_different_lengths_are_unreadable():
    events = Events()
    assert add_columns(events, _columns())
    assert not add_columns(events, _columns(quantities=["2"]))
    assert not add_columns(events, _columns(units=["vCPU"]))
    assert not add_columns(events, _columns(time_seconds=[1, 2, 3]))
    assert len(events) == 2  # nothing of the unreadable ones was added
