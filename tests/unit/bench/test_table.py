"""The one benchmark table: ratios, verdicts against targets, and rows passed between processes."""

import math

from bench import _table as table


def test_ratio_target_is_judged_on_figure_over_baseline():
    below = table.Row("import vs COPY", "1M rows", 60_000, "rows/s", 100_000, table.at_least(0.85))
    above = table.Row("import vs COPY", "1M rows", 90_000, "rows/s", 100_000, table.at_least(0.85))
    assert (below.ratio, below.met, above.met) == (0.6, False, True)


def test_figure_target_ignores_the_baseline():
    row = table.Row("trend p99", "large", 31.0, "ms", 12.0, table.at_most(25, on="figure"))
    assert row.met is False
    assert row.cells()[4:] == ("2.58", "figure <= 25 ms", "NO")


def test_a_row_without_target_or_baseline_has_no_verdict():
    assert table.Row("idle, suite", "20 s", 1.5, "% core").cells()[3:] == ("-", "-", "-", "-")


def test_rows_survive_the_trip_from_a_benchmark_process_to_the_runner(tmp_path):
    rows = [
        table.Row("coverage", "60 series", 79.5, "%", None, table.between(75, 85)),
        table.Row("metering_ingest", "default", math.nan, error="FAILED (exit 1)"),
    ]
    table.report(rows, tmp_path / "rows.jsonl")
    back = table.read(tmp_path / "rows.jsonl")
    assert [r.cells() for r in back] == [r.cells() for r in rows]
    assert back[0].met is True
    assert "FAILED (exit 1)" in table.render(back)
