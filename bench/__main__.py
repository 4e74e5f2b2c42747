"""`make bench`: runs every benchmark module in bench/ in turn (or those named), prints one table.

    .venv/bin/python -m bench [--size small|default|large] [ingest_queries ...]

Each benchmark runs in its own process; its progress goes to stderr, its rows (figure beside a
baseline measured in the same run, ratio, target) to a shared file, and stdout gets the one
table of all of them at the end. A benchmark that fails shows as a row with its exit code.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench._table import Row, arguments, read, render

HERE = Path(__file__).resolve().parent


def run(module: str, size: str, rows_file: Path) -> bool:
    """Runs one benchmark; when it fails, a row saying so takes the place of its rows."""
    print(f"\n=== bench.{module} ({size}) ===", file=sys.stderr, flush=True)
    started = time.monotonic()
    command = [sys.executable, "-m", f"bench.{module}", "--size", size, "--rows-file", rows_file]
    code = subprocess.call(command, cwd=HERE.parent, stdout=sys.stderr)
    print(
        f"=== bench.{module}: exit {code} after {time.monotonic() - started:.0f}s ===",
        file=sys.stderr,
        flush=True,
    )
    if code:
        failed = Row(module, size, float("nan"), error=f"FAILED (exit {code})")
        with rows_file.open("a") as handle:
            handle.write(failed.to_json() + "\n")
    return code == 0


def main(argv: list[str]) -> int:
    parser = arguments(__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="benchmark modules (default: all)")
    args = parser.parse_args(argv)
    modules = args.names or sorted(p.stem for p in HERE.glob("*.py") if not p.stem.startswith("_"))
    with tempfile.TemporaryDirectory(prefix="costgrid-bench-") as directory:
        rows_file = Path(directory) / "rows.jsonl"
        passed = [run(module, args.size, rows_file) for module in modules]
        rows = read(rows_file)
    print(render(rows), flush=True)
    return 0 if all(passed) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
