import pytest
from pydantic import ValidationError

from services.common.settings import Settings
from services.metering.settings import MeteringSettings


def test_metering_settings_come_from_the_environment_beside_the_kits(monkeypatch):
    monkeypatch.setenv("COSTGRID_METERING_USAGE_WORKERS", "3")
    monkeypatch.setenv("COSTGRID_METERING_CLOSE_GRACE_SECONDS", "3600")
    base = Settings(namespace="run-1")
    settings = MeteringSettings.extending(base)
    assert settings.namespace == "run-1"  # what the kit was given is kept
    assert (settings.metering_usage_workers, settings.metering_close_grace_seconds) == (3, 3600)
    assert settings.metering_usage_fetch == 4096
    assert MeteringSettings.extending(settings) is settings


@pytest.mark.parametrize(
    "name, value",
    [("FETCH", "lots"), ("WORKERS", "0"), ("FETCH", "-1")],
)
def test_a_setting_that_cannot_work_is_refused_by_name(monkeypatch, name, value):
    monkeypatch.setenv(f"COSTGRID_METERING_USAGE_{name}", value)
    with pytest.raises(ValidationError, match=f"metering_usage_{name.lower()}"):
        MeteringSettings.extending(Settings())
