"""The committed gRPC stubs must match the .proto: regenerate and compare."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import load_gen_protos

REPO = Path(__file__).resolve().parents[2]


def test_stubs_are_fresh(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "gen_protos.py"), str(tmp_path)],
        check=True,
        capture_output=True,
    )
    committed = REPO / "client" / "msq" / "v1"
    for name in ("msq_pb2.py", "msq_pb2.pyi", "msq_pb2_grpc.py", "msq_wire.py"):
        fresh = (tmp_path / "msq" / "v1" / name).read_text()
        assert fresh == (committed / name).read_text(), (
            f"client/msq/v1/{name} is stale; run: python scripts/gen_protos.py"
        )


def test_stub_check_detects_a_change(tmp_path: Path) -> None:
    """The comparison above is able to fail: a changed proto gives other stubs."""
    proto = (REPO / "protos" / "msq" / "v1" / "msq.proto").read_text()
    altered = tmp_path / "protos" / "msq" / "v1"
    altered.mkdir(parents=True)
    (altered / "msq.proto").write_text(proto.replace("int32 rank = 1;", "int64 rank = 1;"))
    from importlib import resources

    from grpc_tools import protoc

    include = str(resources.files("grpc_tools") / "_proto")
    out = tmp_path / "out"
    out.mkdir()
    assert (
        protoc.main(
            [
                "protoc",
                f"-I{tmp_path / 'protos'}",
                f"-I{include}",
                f"--python_out={out}",
                str(altered / "msq.proto"),
            ]
        )
        == 0
    )
    fresh = (out / "msq" / "v1" / "msq_pb2.py").read_text()
    assert fresh != (REPO / "client" / "msq" / "v1" / "msq_pb2.py").read_text()


def test_wire_check_detects_a_change(tmp_path: Path) -> None:
    """msq_wire.py (msq.transport._wire's schema) follows the proto too: a changed kind shows."""
    gen = load_gen_protos()
    proto = (REPO / "protos" / "msq" / "v1" / "msq.proto").read_text()
    altered = tmp_path / "msq" / "v1"
    altered.mkdir(parents=True)
    committed = (REPO / "client" / "msq" / "v1" / "msq_wire.py").read_text()
    (altered / "msq.proto").write_text(proto)
    same = gen.wire_module(gen.descriptor_set(altered / "msq.proto", tmp_path), gen.PROTO)
    assert same == committed
    (altered / "msq.proto").write_text(proto.replace("int32 rank = 1;", "sint32 rank = 1;"))
    fresh = gen.wire_module(gen.descriptor_set(altered / "msq.proto", tmp_path), gen.PROTO)
    assert fresh != committed
    assert '1: ("rank", "sint32", None, 0, None, None),' in fresh
