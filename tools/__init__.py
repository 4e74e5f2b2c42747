"""Developer tooling: local infrastructure, supervisor, `make run`, migrations, codegen.

Generated protobuf code lives in gen/; tools run as `python -m tools.X` find it even when the
caller did not set PYTHONPATH the way the Makefile does.
"""

import sys
from pathlib import Path

_GEN = str(Path(__file__).resolve().parents[1] / "gen")
if _GEN not in sys.path:
    sys.path.append(_GEN)
