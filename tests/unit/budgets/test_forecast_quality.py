"""The forecast against seasonal naive and a least-squares trend + weekday fit, on seeded
synthetic series of known shapes (tests.support.forecast_quality prints the full table)."""

from __future__ import annotations

import pytest

from tests.support.forecast_quality import Scores, evaluate, evaluate_focus

SERIES = 12
_scores: dict[str, Scores] = {}


def scores(shape: str) -> Scores:
    if shape not in _scores:
        _scores[shape] = evaluate(shape, SERIES)
    return _scores[shape]


@pytest.mark.parametrize(
    "shape", ["bending trend", "monthly step", "monthly charge", "level shift", "spikes"]
)
def test_forecast_beats_the_better_baseline_by_15_percent_where_structure_helps(shape):
    s = scores(shape)
    assert s.mape("model") <= 0.85 * min(s.mape("naive"), s.mape("lsq"))


@pytest.mark.parametrize("shape", ["linear trend", "weekly", "noise"])
def test_forecast_matches_least_squares_where_that_is_the_true_model(shape):
    # Straight trend, weekday profile, Gaussian noise: least squares is the maximum-likelihood
    # forecast, so matching it is the best there is; seasonal naive doubles the noise.
    s = scores(shape)
    assert s.mape("model") <= 1.05 * s.mape("lsq")
    assert s.mape("model") <= 0.85 * s.mape("naive")


@pytest.mark.parametrize(
    "shape",
    [
        "linear trend",
        "bending trend",
        "weekly",
        "monthly step",
        "monthly charge",
        "level shift",
        "spikes",
        "noise",
    ],
)
def test_80_percent_intervals_hold_75_to_85_percent_of_days(shape):
    assert 75 <= scores(shape).coverage <= 85


def test_focus_sample_is_never_worse_than_seasonal_naive():
    s = evaluate_focus()
    assert s.mape("model") <= s.mape("naive")
    assert s.wape("model") <= s.wape("naive")
