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
after it, and `forecast_days` days are forecast from there.

- `method`: `seasonal` from 14 days of history (up to the last 180): of several models
  (same weekday last week; weekday profiles with or without a trend, on all history or the
  last 8 weeks, with the level shifts found in it; monthly steps and charges on the 1st),
  the one that best forecast the history's own last weeks from earlier cut-offs.
  `run_rate` under 14 days, or when every day cost the same: the mean of the last 7 days.
- `lower`/`upper` and `confidence_interval`: sized so that the requested share of the
  errors that model made on those last weeks would fall inside."""

BUDGET_STATUS = f"""{DAYS_COUNTED} The as-of date is `as_of_date`, else today.

- `burn_rate_7d`: mean daily spend over the last 7 days counted.
- `burn_rate_period`: `spent` divided by the period's days counted.
- `projected_spend`: `spent` plus the forecast of each day from the day after the last day
  counted to the period's end; `projected_exhaustion_date` is the day the two together reach
  the amount.

A budget alerts only for periods that end on or after the day it was created: re-synced
months from before it existed never fire its alerts."""

ANOMALY = """The anomaly as the items of GET /costs/anomalies show it, amounts in its `currency`.

- `impact`: `actual_amount` minus `expected_amount` (the baseline the expected range,
  `expected_lower` to `expected_upper`, is built around); `deviation_percent` is that impact
  relative to `expected_amount`.
- `root_causes`: the account's cause carries the whole impact; the services' impacts add up
  to it exactly, and so do the regions' (`contribution_percent` adds up to 100.0 in each)."""

# One provider vocabulary: a "provider" is a connected provider account; a "provider type" is
# the cloud that billed the cost, named as the cloud-accounts routes name providers.
PROVIDER_TYPES = (
    "`aws`, `gcp`, `azure`, `digitalocean` (the `provider` of the cloud-accounts routes); a"
    " FOCUS account's rows count under their FOCUS `ProviderName` in the same vocabulary"
    " (`AWS` is `aws`, `Microsoft` is `azure`, `Google Cloud` is `gcp`), any other name in"
    " lower_snake case (`Oracle` is `oracle`), and `focus_file` where a row names none"
)

PROVIDER_ID = (
    "A connected provider account: the `id` of a cloud account (GET /cloud-accounts);"
    " only its cost is counted"
)

OVERVIEW_PROVIDERS = f"""
- `by_provider`: month to date per connected provider account (`provider_id` is its id,
  `provider` its provider type).
- `by_provider_type`: month to date per provider type: {PROVIDER_TYPES}."""

GROUP_BY = (
    "How each point's `breakdown` is split. `provider` (the default): per connected provider"
    " account, keyed by its name (a name two accounts share is followed by ` (#<id>)`);"
    " `account`: the same, keyed by account id; `provider_type`: per provider type, keyed by "
    + PROVIDER_TYPES
    + "; `service`, `region`, or `tag:<key>` (cost without the tag under `(untagged)`);"
    " `none`: no breakdown"
)

ANOMALY_LIST = """`data` lists anomalies newest day first; pass `next_page_token` back as
`page_token` for the next page (empty on the last). Amounts are in the item's `currency`.

- `type`: `spike` (only rises are detected).
- `provider_id`: the provider account whose spend it is.
- `expected_amount`: the expected amount (the baseline the expected range is built around);
  `expected_upper` the top of that range. `actual_amount` minus `expected_amount` is the
  anomaly's impact (`impact`), and `deviation_percent` that impact relative to
  `expected_amount`.
- `top_services`: the services that drove it, largest first: what each cost that day
  (`amount`; null on anomalies detected before it was recorded) and its part of the impact
  (`vs_expected`; they add up to the impact).
- `root_causes`: as on GET /costs/anomalies/{anomaly_id}."""
