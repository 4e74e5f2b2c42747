"""Timestamps as the text COPY reads, each distinct value formatted once per import.

Arrow formats a timestamp through a C++ stream per value (~2 us each, most of the FOCUS
importer's CPU), while a billing export repeats a few hundred hourly timestamps over millions
of rows: the text of each value is kept from batch to batch and taken by index.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

# Past this many distinct values (an export of per-second charges) the texts start over.
LIMIT_VALUES = 100_000


class TimestampTexts:
    def __init__(self, limit: int = LIMIT_VALUES) -> None:
        self._limit = limit
        self._texts: dict[int, str] = {}

    def of(self, arr: pa.Array) -> pa.Array:
        """`arr` cast to text exactly as Arrow's cast would, nulls kept."""
        encoded = pc.dictionary_encode(arr)
        keys = encoded.dictionary.cast(pa.int64()).to_pylist()
        missing = [key for key in keys if key not in self._texts]
        if len(self._texts) + len(missing) > self._limit:
            self._texts = {}
            missing = keys
        if missing:
            values = pa.array(missing, pa.int64()).cast(arr.type)
            self._texts.update(zip(missing, values.cast(pa.string()).to_pylist(), strict=True))
        texts = pa.array([self._texts[key] for key in keys], pa.string())
        return pc.take(texts, encoded.indices)
