"""`make bench`: runs every benchmark module in bench/ in turn (or those named on the command line).

Each prints its own figures as ratios against a raw baseline measured in the same run.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(names: list[str]) -> int:
    modules = names or sorted(p.stem for p in HERE.glob("*.py") if not p.stem.startswith("_"))
    failed = []
    for module in modules:
        print(f"\n=== bench.{module} ===", flush=True)
        started = time.monotonic()
        code = subprocess.call([sys.executable, "-m", f"bench.{module}"], cwd=HERE.parent)
        print(
            f"=== bench.{module}: exit {code} after {time.monotonic() - started:.0f}s ===",
            flush=True,
        )
        if code:
            failed.append(module)
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
