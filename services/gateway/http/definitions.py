"""How the figures are defined, written into the OpenAPI descriptions where clients read them.

Cost data arrives 24-48 hours late, so the latest days usually have none yet; averages and
projections count days only up to the last day with data, never after the as-of date.
"""

DAYS_COUNTED = (
    "**Days counted** run up to the last day that has cost data (for the organization, or "
    "for the accounts in scope), never after the as-of date: later days are not known yet, "
    "so they are neither counted as zero cost nor as days."
)

OVERVIEW = f"""{DAYS_COUNTED}

- `current_month.to`: the last day counted. While this month has no day counted yet it is
  the day before `current_month.from`.
- `daily_average`: `current_month.amount` divided by the days from `current_month.from` to
  `current_month.to`.
- `month_end_forecast`: `daily_average` times the days in the month (month to date plus
  the same rate for every remaining day).
- `mom_change_percent`: that daily rate against the daily rate of the same number of days
  at the start of last month."""

FORECAST = f"""{DAYS_COUNTED} The as-of date is today.

History runs to the last day counted; the first day forecast (`period.from`) is the day
after it, and `forecast_days` days are forecast from there."""

BUDGET_STATUS = f"""{DAYS_COUNTED} The as-of date is `as_of_date`, else today.

- `burn_rate_7d`: mean daily spend over the last 7 days counted.
- `burn_rate_period`: `spent` divided by the period's days counted.
- `projected_spend`: `spent` plus the forecast of each day from the day after the last day
  counted to the period's end; `projected_exhaustion_date` is the day the two together reach
  the amount.

A budget alerts only for periods that end on or after the day it was created: re-synced
months from before it existed never fire its alerts."""

ANOMALY = """- `impact`: `actual` minus the expected amount (the baseline the expected range is built
  around), in the series' currency; `impact_percent` is relative to that expected amount.
- `root_causes`: the account's cause carries the whole impact; the services' impacts add up
  to it exactly, and so do the regions' (`contribution_percent` adds up to 100.0 in each)."""
