"""gen/ is committed, so it must be exactly what tools/gen_protos.py makes of protos/ today."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "gen" / "costgrid"


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_generated_code_matches_the_protos(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "tools" / "gen_protos.py"), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    fresh, committed = _tree(tmp_path / "costgrid"), _tree(COMMITTED)
    hint = "gen/ is stale: run `python tools/gen_protos.py` and commit gen/"
    assert sorted(fresh) == sorted(committed), hint
    changed = [name for name in fresh if fresh[name] != committed[name]]
    assert changed == [], f"{hint}; differing: {changed}"
