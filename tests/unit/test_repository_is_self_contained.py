"""A user's clone has nothing beside it: no file may reach outside the repository."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Built so that this file does not match itself.
OUTSIDE = re.compile(r"\.\./" + 'shared|parents\\[2\\]\\s*/\\s*"shared"|ROOT\\.parent')
LINK = re.compile(r"\]\(([^)#\s]+)")


def tracked_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return [ROOT / name for name in listed]


def texts() -> list[tuple[Path, str]]:
    found = []
    for path in tracked_files():
        if path.suffix in {".csv", ".parquet", ".png", ".gz"} or not path.is_file():
            continue
        try:
            found.append((path, path.read_text(encoding="utf-8")))
        except UnicodeDecodeError:
            continue
    return found


def test_no_file_names_a_path_beside_the_repository():
    offenders = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for path, body in texts()
        for n, line in enumerate(body.splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert offenders == []


def test_every_relative_link_in_the_docs_resolves_inside_the_repository():
    broken = []
    for path, body in texts():
        if path.suffix != ".md":
            continue
        for target in LINK.findall(body):
            if "://" in target or target.startswith("mailto:"):
                continue
            resolved = (path.parent / target).resolve()
            if not resolved.is_relative_to(ROOT) or not resolved.exists():
                broken.append(f"{path.relative_to(ROOT)} -> {target}")
    assert broken == []


def test_the_focus_sample_ships_with_its_attribution_and_totals():
    readme = (ROOT / "data" / "samples" / "focus-1.0" / "README.md").read_text()
    assert "CC BY 4.0" in readme
    assert "AWS 18.00663861840" in readme
    assert (ROOT / "data" / "samples" / "focus-1.0" / "focus_sample.csv").stat().st_size > 700_000
