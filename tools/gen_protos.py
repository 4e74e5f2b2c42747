"""Generate Python messages, gRPC stubs and their .pyi types from every .proto under protos/.

    python tools/gen_protos.py [--out DIR]

The output mirrors the proto packages (`costgrid.ingest.v1.service_pb2` with DIR on
sys.path). It is built in a scratch directory and swapped in whole, so a deleted .proto
leaves no stale module behind, and a failed run leaves the previous output untouched.
Files are passed to protoc sorted, so the output depends only on the protos and the
pinned grpcio-tools and mypy-protobuf versions: the committed gen/ can be checked for drift
byte for byte. The .pyi come from mypy-protobuf (typed enums, aio servicer contexts), so
`mypy --strict` checks the services against the wire.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from importlib import resources
from pathlib import Path

from grpc_tools import protoc

ROOT = Path(__file__).resolve().parent.parent
PROTO_ROOT = ROOT / "protos"
DEFAULT_OUT = ROOT / "gen"
# Only this top-level package is replaced in the output directory; nothing else there is touched.
PACKAGE = "costgrid"


def proto_files(proto_root: Path = PROTO_ROOT) -> list[str]:
    """Every .proto under `proto_root`, as sorted paths relative to it."""
    return sorted(p.relative_to(proto_root).as_posix() for p in proto_root.rglob("*.proto"))


def _well_known_include() -> str:
    return str(resources.files("grpc_tools") / "_proto")


def _plugin(name: str) -> Path:
    # The pinned mypy-protobuf installs its protoc plugins beside the interpreter; looking
    # there rather than on PATH generates the same stubs whether or not the venv is activated.
    plugin = Path(sys.executable).parent / name
    if not plugin.exists():
        raise SystemExit(f"{plugin} not found: install the dev dependencies (make setup)")
    return plugin


def _run_protoc(proto_root: Path, out: Path) -> None:
    files = proto_files(proto_root)
    if not files:
        raise SystemExit(f"no .proto files under {proto_root}")
    args = [
        "grpc_tools.protoc",
        f"--proto_path={proto_root}",
        f"--proto_path={_well_known_include()}",
        f"--python_out={out}",
        f"--plugin=protoc-gen-mypy={_plugin('protoc-gen-mypy')}",
        f"--plugin=protoc-gen-mypy_grpc={_plugin('protoc-gen-mypy_grpc')}",
        f"--mypy_out=quiet:{out}",
        # The services serve and call through grpc.aio only, so servicer contexts and stub
        # calls are typed as grpc.aio's.
        f"--mypy_grpc_out=only_async,quiet:{out}",
        f"--grpc_python_out={out}",
        *files,
    ]
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed; see the errors above")


def _add_init_files(package_dir: Path) -> None:
    # Regular packages rather than namespace packages: imports stay unambiguous for tools
    # (mypy, pytest) and cannot be shadowed by a stray directory of the same name.
    for directory in [package_dir, *sorted(p for p in package_dir.rglob("*") if p.is_dir())]:
        (directory / "__init__.py").touch()


def generate(out: Path = DEFAULT_OUT, proto_root: Path = PROTO_ROOT) -> None:
    """(Re)generate the code for `proto_root` into `out`/costgrid."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out, prefix=".gen-") as scratch:
        scratch_dir = Path(scratch)
        _run_protoc(proto_root, scratch_dir)
        _add_init_files(scratch_dir / PACKAGE)
        target = out / PACKAGE
        if target.exists():
            shutil.rmtree(target)
        (scratch_dir / PACKAGE).rename(target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    args = parser.parse_args(argv)
    generate(args.out.resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
