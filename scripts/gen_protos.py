"""Regenerate the gRPC stubs in client/msq/v1 from protos/msq/v1/msq.proto.

Usage: python scripts/gen_protos.py [OUT_DIR]

OUT_DIR defaults to client/; tests pass a temporary folder and compare the
result with the committed stubs, so a stale stub fails CI.
"""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROTO = "msq/v1/msq.proto"


def generate(out_dir: Path) -> list[Path]:
    """Run protoc for the msq proto into ``out_dir``; return the written files."""
    from grpc_tools import protoc

    include = str(resources.files("grpc_tools") / "_proto")
    out_dir.mkdir(parents=True, exist_ok=True)
    args = [
        "protoc",
        f"-I{ROOT / 'protos'}",
        f"-I{include}",
        f"--python_out={out_dir}",
        f"--pyi_out={out_dir}",
        f"--grpc_python_out={out_dir}",
        str(ROOT / "protos" / PROTO),
    ]
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed")
    return sorted((out_dir / "msq" / "v1").glob("msq_pb2*"))


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "client"
    for p in generate(target):
        print(p)
