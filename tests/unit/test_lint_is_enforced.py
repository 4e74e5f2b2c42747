"""CI fails on lint: `.ci/run` runs `make lint`, whose mypy checks services/ and tools/ strictly,
against stubs of the wire that type its enums, messages and grpc.aio servicers."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GEN = ROOT / "gen" / "costgrid"


def _commands(script: str) -> list[str]:
    return [line.strip() for line in script.splitlines() if line.strip().startswith("make ")]


def _recipe(makefile: str, target: str) -> list[str]:
    body = re.search(rf"^{target}:[^\n]*\n((?:\t[^\n]*\n)+)", makefile, re.M)
    assert body, f"Makefile has no {target} target"
    return [line.strip() for line in body.group(1).splitlines()]


def test_ci_runs_make_lint_before_the_tests() -> None:
    commands = _commands((ROOT / ".ci" / "run").read_text())
    assert "make lint" in commands and "make test" in commands, commands
    assert commands.index("make lint") < commands.index("make test"), commands


def test_make_lint_type_checks_services_and_tools_strictly() -> None:
    recipe = _recipe((ROOT / "Makefile").read_text(), "lint")
    assert any(re.search(r"-m mypy .*\bservices\b.*\btools\b", line) for line in recipe), recipe
    assert any("ruff format --check" in line for line in recipe), recipe
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    assert config.get("strict") is True, config
    assert "gen/" in config.get("exclude", []), config


def test_every_generated_module_has_typed_stubs() -> None:
    modules = sorted(GEN.rglob("*_pb2*.py"))
    assert modules
    missing = [str(m.relative_to(GEN)) for m in modules if not m.with_suffix(".pyi").exists()]
    assert missing == [], f"no .pyi beside: {missing}"
    servicers = (GEN / "ingest" / "v1" / "service_pb2_grpc.pyi").read_text()
    assert "context: _aio.ServicerContext[" in servicers
    enums = (GEN / "common" / "v1" / "provider_pb2.pyi").read_text()
    assert 'ValueType = _typing.NewType("ValueType", _builtins.int)' in enums
