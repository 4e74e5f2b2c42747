"""Every COSTGRID_* variable some process reads, so a misspelt one stops a start instead of
being silently ignored.

All services share one environment under `make run`, so the known names are the union of every
service's settings, not only the starting service's: a metering variable must not stop the
gateway. The classes are named by path and imported only when checked, so the kit does not
import the services at its own import.
"""

from __future__ import annotations

import difflib
import importlib
import os
from collections.abc import Iterable, Mapping
from functools import cache

from pydantic_settings import BaseSettings

PREFIX = "COSTGRID_"

SETTINGS_CLASSES = (
    "services.common.settings:Settings",
    "services.gateway.settings:GatewaySettings",
    "services.metering.settings:MeteringSettings",
    "services.ingest.settings:IngestSettings",
    "services.invoicing.settings:InvoicingSettings",
    "services.notifier.settings:NotifierSettings",
)

# Read by the tools and the test support rather than by a settings class.
TOOL_VARIABLES = frozenset(
    {"COSTGRID_STATE_DIR", "COSTGRID_TEST_RUN_ID", "COSTGRID_URL", "COSTGRID_TOKEN"}
)


def settings_classes() -> list[type[BaseSettings]]:
    classes = []
    for path in SETTINGS_CLASSES:
        module, _, name = path.partition(":")
        classes.append(getattr(importlib.import_module(module), name))
    return classes


def variables_of(cls: type[BaseSettings]) -> set[str]:
    prefix = str(cls.model_config.get("env_prefix", ""))
    return {(prefix + (f.alias or name)).upper() for name, f in cls.model_fields.items()}


@cache
def known_variables() -> frozenset[str]:
    names = set(TOOL_VARIABLES)
    for cls in settings_classes():
        names |= variables_of(cls)
    return frozenset(names)


def unknown_variables(environ: Mapping[str, str], known: Iterable[str]) -> list[str]:
    """One line per unknown COSTGRID_* name, naming the closest known one when there is one."""
    known = sorted(known)
    problems = []
    for name in sorted(environ):
        upper = name.upper()
        if not upper.startswith(PREFIX) or upper in known:
            continue
        close = difflib.get_close_matches(upper, known, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]}?" if close else ""
        problems.append(f"unknown setting {name}{hint}")
    return problems


def refuse_unknown_variables(environ: Mapping[str, str] | None = None) -> None:
    """Exits the process (status 1) when the environment holds a COSTGRID_* name nothing reads."""
    problems = unknown_variables(os.environ if environ is None else environ, known_variables())
    if problems:
        raise SystemExit(
            "refusing to start: " + "; ".join(problems) + " (see README, Configuration)"
        )
