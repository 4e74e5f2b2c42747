"""Every setting the notifier reads has a row in the README's configuration tables, under the
exact name it is read from (`_SUFFIX` in a row stands for COSTGRID_NOTIFIER_SUFFIX)."""

import re

from services.notifier.config import ENV_PREFIX, NotifierConfig, env_name
from tests.support.infra import ROOT


def _documented() -> set[str]:
    names: set[str] = set()
    for row in (ROOT / "README.md").read_text().splitlines():
        if not row.startswith(f"| `{ENV_PREFIX}"):
            continue
        first_cell = row.split("|")[1]
        for name in re.findall(r"`([A-Z_]+)`", first_cell):
            names.add(name if name.startswith(ENV_PREFIX) else ENV_PREFIX + name.lstrip("_"))
    return names


def test_every_notifier_setting_is_in_the_readme():
    read = {env_name(field) for field in NotifierConfig.model_fields}
    assert read - _documented() == set()
    assert _documented() - read == set()
