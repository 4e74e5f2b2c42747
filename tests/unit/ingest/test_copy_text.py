"""Values formatted once per distinct value read exactly as Arrow's own cast writes them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from services.ingest.connectors.focus_columns import TIMESTAMP_TYPE
from services.ingest.sync.copy_text import distinct_text

BASE = datetime(2024, 9, 1, tzinfo=UTC)
EDGES = [
    datetime(2024, 9, 1, 5, tzinfo=UTC),
    datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
]
moments = st.lists(
    st.one_of(
        st.none(),
        st.integers(0, 10**6).map(lambda us: BASE + timedelta(microseconds=us * 3607)),
        st.sampled_from(EDGES),
    ),
    max_size=50,
)


@settings(max_examples=50, deadline=None)
@given(moments)
def test_timestamps_formatted_once_each_read_as_the_cast(values) -> None:
    arr = pa.array(values, TIMESTAMP_TYPE)
    assert distinct_text(arr).to_pylist() == arr.cast(pa.string()).to_pylist()
