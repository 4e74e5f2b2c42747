"""What each channel receives: Block Kit limits, email bodies, SMS within one segment."""

from hypothesis import given
from hypothesis import strategies as st

from services.notifier.domain import render, sms
from services.notifier.domain.model import Alert

ALERT = Alert(
    event_id="e1",
    org_id="o",
    trigger="BUDGET_THRESHOLD",
    subject_key="budget:7",
    title="Budget <Prod> critical: 105.12% spent",
    summary="Spend has reached 105.12% of the budget.",
    urgency="critical",
    occurred_at="2026-03-14T10:00:00Z",
    facts=tuple((f"Label {i}", f"value & {i}") for i in range(12)),
)


def test_slack_message_has_fallback_text_and_at_most_ten_fields():
    message = render.slack_message(ALERT)
    assert message["text"].startswith(ALERT.title)
    assert [b["type"] for b in message["blocks"]] == ["header", "section", "section", "context"]
    assert len(message["blocks"][2]["fields"]) == 10


def test_email_html_escapes_what_it_shows():
    body = render.email_message(ALERT)
    assert body.subject == f"[Costgrid] {ALERT.title}"
    assert "Budget &lt;Prod&gt;" in body.html and "value &amp; 3" in body.html
    assert "Label 3: value & 3" in body.text


def test_webhook_body_carries_the_key_and_figures():
    body = render.webhook_body(ALERT, "key-1")
    assert body["idempotency_key"] == "key-1" and body["facts"]["Label 0"] == "value & 0"
    assert body["trigger_type"] == "budget_threshold"


@given(st.text(max_size=400))
def test_sms_text_always_fits_one_segment(text):
    fitted = sms.fit(text)
    assert sms.segment_length(fitted) <= sms.limit_for(fitted)


@given(st.text(alphabet="abc XYZ0123", max_size=160))
def test_short_gsm_text_is_unchanged(text):
    assert sms.fit(text) == text


def test_non_gsm_text_is_limited_to_seventy_units():
    fitted = sms.fit("Budget ✓ " * 30)
    assert fitted.endswith("...") and sms.segment_length(fitted) <= 70


def test_alert_survives_its_json_round_trip():
    assert Alert.from_json(ALERT.to_json()) == ALERT
