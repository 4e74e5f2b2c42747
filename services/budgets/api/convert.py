"""Domain values to protos (responses and events), and the money helpers both need."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from costgrid.budgets.v1 import service_pb2 as pb
from costgrid.common.v1 import date_range_pb2, money_pb2, provider_pb2

from services.budgets.domain.anomaly import Thresholds
from services.budgets.domain.budget import Budget
from services.budgets.domain.status import Status
from services.budgets.repository.anomalies import AnomalyRow
from services.budgets.repository.budgets import Alert
from services.common.money import decimal_str, minor_units
from services.common.money import money_proto as money
from services.common.wire import timestamp_proto as timestamp


def quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-minor_units(currency))


def model_money(value: float, currency: str) -> money_pb2.Money:
    """A model's float estimate as money, rounded to the currency's minor unit."""
    amount = Decimal(repr(value)).quantize(quantum(currency), rounding=ROUND_HALF_UP)
    return money(amount, currency)


def date_range(start: date, end: date) -> date_range_pb2.DateRange:
    return date_range_pb2.DateRange(start_date=start.isoformat(), end_date=end.isoformat())


def budget(b: Budget, status: pb.BudgetStatus | None = None) -> pb.Budget:
    spec = b.spec
    return pb.Budget(
        id=b.id,
        name=spec.name,
        amount=money(spec.amount, spec.currency),
        period=pb.BudgetPeriod.ValueType(spec.period),
        alert_threshold_percent=decimal_str(spec.threshold_percent),
        scope=pb.BudgetScope(
            account_ids=spec.scope.account_ids,
            provider=provider_pb2.Provider.ValueType(spec.scope.provider),
            services=spec.scope.services,
        ),
        alert_on_forecast=spec.alert_on_forecast,
        create_time=timestamp(b.create_time),
        update_time=timestamp(b.update_time),
        status=status,
    )


def status(budget_id: int, s: Status, currency: str, level: int) -> pb.BudgetStatus:
    return pb.BudgetStatus(
        budget_id=budget_id,
        period=date_range(s.period_start, s.period_end),
        spent=money(s.spent, currency),
        remaining=money(s.remaining, currency),
        percent_used=decimal_str(s.percent_used),
        burn_rate_7d=money(s.burn_rate_7d, currency),
        burn_rate_period=money(s.burn_rate_period, currency),
        projected_spend=money(s.projected_spend, currency),
        projected_overage=money(s.projected_overage, currency),
        projected_exhaustion_date=s.exhaustion_date.isoformat() if s.exhaustion_date else "",
        alert_level=pb.BudgetAlertLevel.ValueType(level),
    )


def alert(a: Alert) -> pb.BudgetAlert:
    return pb.BudgetAlert(
        id=a.id,
        budget_id=a.budget_id,
        budget_name=a.budget_name,
        level=pb.BudgetAlertLevel.ValueType(a.level),
        basis=pb.BudgetAlertBasis.ValueType(a.basis),
        spent=money(a.spent, a.currency),
        amount=money(a.amount, a.currency),
        percent=decimal_str(a.percent),
        period=date_range(a.period_start, a.period_end),
        create_time=timestamp(a.create_time),
    )


def anomaly(a: AnomalyRow) -> pb.Anomaly:
    j, cur = a.judgement, a.key.currency
    return pb.Anomaly(
        id=a.id,
        day=a.key.day.isoformat(),
        scope=pb.AnomalyScope.ValueType(a.key.scope),
        account_id=a.key.account_id,
        account_name=a.account_name,
        provider=provider_pb2.Provider.ValueType(a.provider),
        service=a.key.service,
        expected_low=money(j.expected_low, cur),
        expected_high=money(j.expected_high, cur),
        actual=money(j.actual, cur),
        impact=money(j.impact, cur),
        impact_percent=decimal_str(j.impact_percent),
        severity=pb.AnomalySeverity.ValueType(j.severity),
        root_causes=[
            pb.RootCause(
                dimension=pb.RootCauseDimension.ValueType(c.dimension),
                key=c.key,
                label=c.label,
                impact=money(c.impact, cur),
                contribution_percent=decimal_str(c.contribution_percent),
                actual=money(c.actual, cur) if c.actual is not None else None,
            )
            for c in a.root_causes
        ],
        status=pb.AnomalyStatus.ValueType(a.status),
        detect_time=timestamp(a.detect_time),
        update_time=timestamp(a.update_time),
        dismiss_reason=a.dismiss_reason,
        dismissed_by=a.dismissed_by,
        dismiss_time=timestamp(a.dismiss_time),
    )


def thresholds(value: Thresholds) -> pb.AnomalySettings:
    return pb.AnomalySettings(
        min_impact_amount=decimal_str(value.min_impact_amount),
        min_impact_percent=decimal_str(value.min_impact_percent),
    )
