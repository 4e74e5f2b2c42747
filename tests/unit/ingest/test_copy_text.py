"""Timestamps formatted once per distinct value read exactly as Arrow's own cast writes them,
batch after batch, also once the kept texts start over."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from services.ingest.connectors.focus_columns import TIMESTAMP_TYPE
from services.ingest.sync.copy_text import TimestampTexts

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
@given(st.lists(moments, max_size=4), st.integers(1, 60))
def test_timestamps_formatted_once_each_read_as_the_cast(batches, limit) -> None:
    texts = TimestampTexts(limit=limit)
    for values in batches:
        arr = pa.array(values, TIMESTAMP_TYPE)
        assert texts.of(arr).to_pylist() == arr.cast(pa.string()).to_pylist()
