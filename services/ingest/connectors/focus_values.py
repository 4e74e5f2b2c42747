"""Vectorized conversions of FOCUS values (amounts, timestamps, text, tags) to our Arrow types.

Each takes a whole Arrow array, whatever the file gave us (CSV text, Parquet doubles or
decimals, timestamps in any unit or zone), and raises `ProviderResponseError` naming the column
and file when a value cannot be read. Only tags touch Python objects, and then once per
distinct value in the batch, not once per row.
"""

from __future__ import annotations

import json
import logging
from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc

from services.ingest.connectors.base import ProviderResponseError

log = logging.getLogger(__name__)

# Exact for up to 12 decimal places (FOCUS samples and AWS use 10-11) and 26 integer digits.
# Longer fractions (doubles written by some exporters) are rounded half-to-even to 12 places.
AMOUNT_SCALE = 12
AMOUNT_TYPE = pa.decimal128(38, AMOUNT_SCALE)
TIMESTAMP_TYPE = pa.timestamp("us", tz="UTC")
_WIDE_DECIMAL = pa.decimal256(76, 38)  # room to parse any sane amount before rounding
_ZONE_SUFFIX = r"(Z|z|[+-]\d\d(:?\d\d)?)$"


def _bad(label: str, where: str, err: Exception) -> ProviderResponseError:
    return ProviderResponseError(f"FOCUS file {where}: cannot read column {label}: {err}")


def _plain_text(arr: pa.Array) -> pa.Array:
    if pa.types.is_dictionary(arr.type) or pa.types.is_large_string(arr.type):
        return arr.cast(pa.string())
    return arr


def to_amount(arr: pa.Array, label: str, where: str) -> pa.Array:
    """Any numeric or text column -> decimal128(38, 12), never through binary floating point."""
    arr = _plain_text(arr)
    t = arr.type
    try:
        if pa.types.is_floating(t):
            # A double's shortest repr is what the exporter meant (Decimal(repr(x)) semantics);
            # a direct float->decimal cast would keep the binary error instead.
            arr, t = arr.cast(pa.string()), pa.string()
        if pa.types.is_integer(t):
            return arr.cast(AMOUNT_TYPE)
        if not (pa.types.is_string(t) or pa.types.is_decimal(t)):
            raise TypeError(f"type {t} is not an amount")
        try:
            return arr.cast(AMOUNT_TYPE)  # fast path: fits 12 places exactly
        except pa.ArrowInvalid:
            wide = arr.cast(_WIDE_DECIMAL)
            rounded = pc.round(wide, ndigits=AMOUNT_SCALE, round_mode="half_to_even")
            return rounded.cast(AMOUNT_TYPE)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, TypeError) as err:
        raise _bad(label, where, err) from err


def to_utc_timestamp(arr: pa.Array, label: str, where: str) -> pa.Array:
    """Timestamps without a zone are UTC (the FOCUS sample writes `2024-09-18 22:00:00`)."""
    arr = _plain_text(arr)
    t = arr.type
    try:
        if pa.types.is_timestamp(t):
            if t.tz is None:
                arr = arr.cast(pa.timestamp("us"), safe=False)
            return arr.cast(TIMESTAMP_TYPE, safe=False)
        if pa.types.is_date(t):
            return arr.cast(pa.timestamp("us")).cast(TIMESTAMP_TYPE)
        if not pa.types.is_string(t):
            raise TypeError(f"type {t} is not a timestamp")
        try:  # the usual case: no zone at all
            return arr.cast(pa.timestamp("us")).cast(TIMESTAMP_TYPE)
        except pa.ArrowInvalid:
            pass
        try:  # ISO 8601 with Z or an offset on every value
            return arr.cast(TIMESTAMP_TYPE)
        except pa.ArrowInvalid:
            pass
        # Mixed: give zone-less values an explicit Z, then parse all as zoned.
        has_zone = pc.match_substring_regex(arr, _ZONE_SUFFIX)
        zoned = pc.if_else(has_zone, arr, pc.binary_join_element_wise(arr, "Z", ""))
        return zoned.cast(TIMESTAMP_TYPE)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, TypeError) as err:
        raise _bad(label, where, err) from err


def to_text(arr: pa.Array, blank_is_null: bool = False) -> pa.Array:
    """Any column -> utf8 text. `blank_is_null` maps "" to null, as the CSV reader already does,
    so rollups keyed by region or service see one "unknown" and not two."""
    arr = _plain_text(arr)
    if not pa.types.is_string(arr.type):
        arr = arr.cast(pa.string())
    if blank_is_null and len(arr) and pc.any(pc.equal(arr, "")).as_py():
        arr = pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)
    return arr


def _json_object_text(text: str) -> str | None:
    """The text if it is a JSON object; Azure's legacy brace-less `"k": "v"` lists are wrapped."""
    for candidate in (text, "{" + text + "}"):
        try:
            if isinstance(json.loads(candidate), dict):
                return candidate
        except ValueError:
            continue
    return None


def to_tags_json(arr: pa.Array, where: str) -> pa.Array:
    """Tags as JSON object text. Text that is not a JSON object becomes null (no tags) with a
    warning: one bad tag string should not cost a whole month of billing rows."""
    if pa.types.is_map(arr.type):
        return pa.array(
            [None if not pairs else json.dumps(dict(pairs)) for pairs in arr.to_pylist()],
            pa.string(),
        )
    arr = to_text(arr, blank_is_null=True)
    encoded = pc.dictionary_encode(arr)
    distinct = encoded.dictionary.to_pylist()
    checked = [_json_object_text(text) for text in distinct]
    if checked == distinct:
        return arr
    result = pc.take(pa.array(checked, pa.string()), encoded.indices)
    dropped = result.null_count - arr.null_count
    log.warning(
        "%d row(s) of FOCUS file %s have Tags that are not a JSON object; imported without tags",
        dropped,
        where,
    )
    return result


def first_non_null(arrays: list[pa.Array]) -> pa.Array:
    return arrays[0] if len(arrays) == 1 else pc.coalesce(*arrays)


def finish(columns: dict[str, pa.Array | None], schema: pa.Schema, where: str) -> pa.RecordBatch:
    """Fill FOCUS-mandatory values a file left null, drop rows with no start, add charge_day.

    Only `effective_cost` may come in as None (column absent): it falls back to BilledCost, as
    does a null EffectiveCost; a null BilledCost counts as 0.
    """
    billed, start, end = (
        columns["billed_cost"],
        columns["charge_period_start"],
        columns["charge_period_end"],
    )
    assert billed is not None and start is not None and end is not None  # required columns
    if billed.null_count:
        billed = pc.fill_null(billed, pa.scalar(Decimal(0), billed.type))
    effective = columns["effective_cost"]
    out = dict(columns)
    out["billed_cost"] = billed
    out["effective_cost"] = billed if effective is None else pc.coalesce(effective, billed)
    out["charge_period_end"] = pc.coalesce(end, start) if end.null_count else end
    out["charge_day"] = start.cast(pa.date32())
    batch = pa.RecordBatch.from_arrays([out[f.name] for f in schema], schema=schema)
    if start.null_count:
        log.warning(
            "%d row(s) of FOCUS file %s have no ChargePeriodStart; skipped",
            start.null_count,
            where,
        )
        batch = batch.filter(pc.is_valid(start))
    return batch
