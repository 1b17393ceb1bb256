"""The fast HTTP/2 transport (msq.transport._h2) against a real msqd, and against misbehaving peers.

Every unary method must answer exactly what grpc answers; errors must map to the same
msq errors; a peer that is not a gRPC server must end in a fallback or a clear error,
never a hang. Only the misbehaving peers are fake (real unix socket servers).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import grpc
import pytest

from msq import errors
from msq.client import Client
from msq.demo import corpus_path
from msq.transport import _h2
from msq.v1 import msq_pb2 as pb
from tests.conftest import Daemon, start_daemon, wait_indexed

SERVICE = "/msq.v1.ModelSearch/"
GENERATED = 300
SCRIPT = """\
import torch
from torch import nn, optim

EPOCHS = {epochs}
model = nn.Sequential(nn.Linear({width}, 64), nn.ReLU(), nn.Linear(64, 10))  # net{i}
opt = optim.{opt}(model.parameters(), lr={lr})
for epoch in range(EPOCHS):
    for x, y in loader:
        opt.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
torch.save(model.state_dict(), "mlp{i}.pt")
"""


@pytest.fixture(scope="module")
def demo() -> Iterator[Daemon]:
    """A hash-embedder msqd with the demo corpus and a few hundred generated scripts."""
    home = Path(tempfile.mkdtemp(prefix="msq-", dir="/tmp"))
    gen = home / "gen"
    for i in range(GENERATED):
        d = gen / f"proj{i // 25:02d}"
        d.mkdir(parents=True, exist_ok=True)
        knobs = {"epochs": i % 30 + 1, "width": 8 * (i % 9 + 1), "lr": round(1e-4 * (i + 1), 5)}
        text = SCRIPT.format(i=i, opt=["SGD", "Adam"][i % 2], **knobs)
        (d / f"mlp{i:03d}.py").write_text(text)
    d = start_daemon(home, env={"MSQ_EMBEDDING_MODEL": "hash"})
    try:
        with d.client() as c:
            c.add_root(corpus_path())
            c.add_root(gen)
            wait_indexed(c)
            assert c.status().cards_total >= GENERATED
        yield d
    finally:
        code = d.stop()
        shutil.rmtree(home, ignore_errors=True)
        assert code == 0, d.output()


def sock_of(d: Daemon) -> Path:
    return d.home / "run" / "msqd.sock"


def grpc_raw(d: Daemon, method: str, request: bytes, timeout: float = 30) -> bytes:
    """The serialized response straight from grpc (no (de)serializers: bytes in, bytes out)."""
    with grpc.insecure_channel(f"unix://{sock_of(d)}") as ch:
        return ch.unary_unary(SERVICE + method)(request, timeout=timeout)


def grpc_status(d: Daemon, method: str, request: bytes) -> tuple[int, str]:
    with pytest.raises(grpc.RpcError) as ei:
        grpc_raw(d, method, request)
    return ei.value.code().value[0], ei.value.details()


def without_clock(m: pb.SearchResponse | pb.StatusResponse) -> None:
    """Clear what the clock changes between two calls: timings, uptime, indexing rate."""
    for name in ("server_ms", "uptime_seconds"):
        if name in m.DESCRIPTOR.fields_by_name:
            m.ClearField(name)
    m.progress.ClearField("rate")
    m.progress.ClearField("eta_seconds")


def h2_status(d: Daemon, method: str, request: bytes) -> tuple[int, str]:
    with pytest.raises(_h2.Status) as ei:
        _h2.call(sock_of(d), SERVICE + method, request, 30)
    return ei.value.code, ei.value.details


# ---------------------------------------------------------------- same answers


DETERMINISTIC = [
    ("GetModel", pb.GetModelRequest(model_id="Generative-CIFAR-10-Cat-Dog/ddpm_v10")),
    ("GetModel", pb.GetModelRequest(model_id="vae-mnist/vae")),
    ("ListModels", pb.ListModelsRequest()),
    ("ListModels", pb.ListModelsRequest(page_size=5, sort="-learning_rate", prefix="proj01/")),
    ("ListModels", pb.ListModelsRequest(ids_only=True, filter="epochs > 10")),
    ("AddRoot", pb.AddRootRequest(path=str(corpus_path()))),  # already watched: no change
]


@pytest.mark.parametrize(
    ("method", "req"),
    DETERMINISTIC,
    ids=lambda x: x if isinstance(x, str) else str(x).replace("\n", " ")[:40],
)
def test_unary_bytes_equal_grpc(demo: Daemon, method: str, req: object) -> None:
    raw = req.SerializeToString()  # type: ignore[attr-defined]
    fast = _h2.call(sock_of(demo), SERVICE + method, raw, 30)
    assert fast == grpc_raw(demo, method, raw)
    assert len(fast) > 100


@pytest.mark.parametrize(
    "req",
    [
        pb.SearchRequest(query="diffusion cifar"),
        pb.SearchRequest(query="diffusion cifar vs mnist", per_side=3),
        pb.SearchRequest(query="sgd", filter="learning_rate > 0.001", all=True, explain=True),
        pb.SearchRequest(query="é ünïcode ✓ cifar", limit=3, all=True),
    ],
)
def test_search_equals_grpc_apart_from_server_time(demo: Daemon, req: pb.SearchRequest) -> None:
    raw = req.SerializeToString()
    fast = pb.SearchResponse.FromString(_h2.call(sock_of(demo), SERVICE + "Search", raw, 30))
    slow = pb.SearchResponse.FromString(grpc_raw(demo, "Search", raw))
    assert fast.server_ms > 0
    without_clock(fast)
    without_clock(slow)
    assert fast == slow and len(fast.results) > 0


def test_status_equals_grpc_apart_from_uptime(demo: Daemon) -> None:
    fast = pb.StatusResponse.FromString(_h2.call(sock_of(demo), SERVICE + "Status", b"", 30))
    slow = pb.StatusResponse.FromString(grpc_raw(demo, "Status", b""))
    assert 0 < fast.uptime_seconds <= slow.uptime_seconds
    without_clock(fast)
    without_clock(slow)
    assert fast == slow and fast.cards_total >= GENERATED


def test_client_api_is_the_same_on_both_transports(demo: Daemon) -> None:
    with demo.client(transport="h2") as fast, demo.client(transport="grpc") as slow:
        assert fast.health() == slow.health() == "SERVING"
        assert fast.get("vae-mnist/vae") == slow.get("vae-mnist/vae")
        assert list(fast.list(page_size=7)) == list(slow.list(page_size=7))
        a, b = fast.search("gan celeba"), slow.search("gan celeba")
        assert [r.card for r in a.results] == [r.card for r in b.results]
        assert fast.status().roots == slow.status().roots
        assert fast.fallbacks == [] and fast._channel is None  # grpc was never needed
    with pytest.raises(errors.InvalidRequest, match="MSQ_TRANSPORT"):
        demo.client(transport="carrier-pigeon")


def test_roots_round_trip_on_both_transports(demo: Daemon, tmp_path: Path) -> None:
    extra = tmp_path / "extra"
    extra.mkdir()
    with demo.client(transport="h2") as fast, demo.client(transport="grpc") as slow:
        added = fast.add_root(extra)
        removed = slow.remove_root(extra)
        assert str(extra) in {r.path for r in added}
        assert {r.path for r in added} - {r.path for r in removed} == {str(extra)}
        added2 = slow.add_root(extra)
        removed2 = fast.remove_root(extra)
        assert [r.path for r in added2] == [r.path for r in added]
        assert removed2 == removed


def test_responses_over_64k_arrive_whole(demo: Daemon) -> None:
    raw = pb.ListModelsRequest(page_size=1000).SerializeToString()
    fast = _h2.call(sock_of(demo), SERVICE + "ListModels", raw, 30)
    assert len(fast) > 2 * 65536
    assert fast == grpc_raw(demo, "ListModels", raw)
    assert len(pb.ListModelsResponse.FromString(fast).models) >= GENERATED
    req = pb.SearchRequest(query="mlp sgd", limit=200, all=True, explain=True)
    resp = _h2.call(sock_of(demo), SERVICE + "Search", req.SerializeToString(), 30)
    assert len(resp) > 65536 and len(pb.SearchResponse.FromString(resp).results) == 200


# ---------------------------------------------------------------- errors


def test_not_found_carries_suggestions(demo: Daemon) -> None:
    raw = pb.GetModelRequest(model_id="Generative-CIFAR-10-Cat-Dog/ddpm_v1").SerializeToString()
    code, details = h2_status(demo, "GetModel", raw)
    assert (code, details) == grpc_status(demo, "GetModel", raw)
    assert code == grpc.StatusCode.NOT_FOUND.value[0] and "ddpm_v10" in details
    with demo.client(transport="h2") as c, pytest.raises(errors.NotFound, match="ddpm_v10"):
        c.get("Generative-CIFAR-10-Cat-Dog/ddpm_v1")


def test_invalid_argument_keeps_the_caret_picture(demo: Daemon) -> None:
    raw = pb.SearchRequest(query="x", filter="lr >> ünï 3").SerializeToString()
    code, details = h2_status(demo, "Search", raw)
    assert (code, details) == grpc_status(demo, "Search", raw)
    assert code == grpc.StatusCode.INVALID_ARGUMENT.value[0]
    lines = details.splitlines()
    assert len(lines) >= 3 and "ünï" in details and lines[-1].strip() == "^"
    with demo.client(transport="h2") as c, pytest.raises(errors.InvalidRequest) as ei:
        c.search("x", filter="lr >> ünï 3")
    assert str(ei.value) == details


def test_unpercent() -> None:
    assert _h2.unpercent("a%0Ab%25c%C3%A9") == "a\nb%cé"
    assert _h2.unpercent("100%") == "100%" and _h2.unpercent("%zz%4") == "%zz%4"


@pytest.mark.parametrize("transport", ["h2", "grpc"])
def test_daemon_down_socket_absent(short_home: Path, transport: str) -> None:
    c = Client(short_home, autostart=False, transport=transport, timeout=5)
    with pytest.raises(errors.DaemonNotRunning, match="msqd is not running"):
        c.search("cifar")
    assert c.health() == "DOWN"
    with pytest.raises(_h2.Status) as ei:
        _h2.call(c.socket, SERVICE + "Status", b"", 5)
    assert ei.value.code == _h2.UNAVAILABLE and "failed to connect" in ei.value.details


@pytest.mark.parametrize("transport", ["h2", "grpc"])
def test_daemon_down_socket_refuses(short_home: Path, transport: str) -> None:
    c = Client(short_home, autostart=False, transport=transport, timeout=5)
    c.socket.parent.mkdir(parents=True)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(str(c.socket))  # bound, never listening: connect() gets ECONNREFUSED
    try:
        with pytest.raises(_h2.Status) as ei:
            _h2.call(c.socket, SERVICE + "Status", b"", 5)
        assert ei.value.code == _h2.UNAVAILABLE and "refused" in ei.value.details.lower()
        assert c.health() == "DOWN"
        with pytest.raises(errors.DaemonNotRunning, match="msqd is not running"):
            c.status()
    finally:
        s.close()


# ---------------------------------------------------------------- misbehaving peers


class Peer:
    """A real unix socket server that runs ``behave(conn, n)`` for its n-th connection."""

    def __init__(self, path: Path, behave: Callable[[socket.socket, int], None]) -> None:
        self.path = path
        self.behave = behave
        self.count = 0
        self.srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.srv.bind(str(path))
        self.srv.listen(16)
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.srv.accept()
            except OSError:
                return
            self.count += 1
            threading.Thread(target=self._one, args=(conn, self.count), daemon=True).start()

    def _one(self, conn: socket.socket, n: int) -> None:
        with conn, contextlib.suppress(OSError):
            self.behave(conn, n)

    def close(self) -> None:
        self.srv.close()


def garbage(conn: socket.socket, n: int) -> None:
    conn.recv(65536)
    conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
    time.sleep(2)


def half_frame(conn: socket.socket, n: int) -> None:
    conn.recv(65536)
    conn.sendall(_h2._frame(_h2.SETTINGS, 0, 0) + b"\x00\x01\x00\x01\x04")  # then hang up


def silent(conn: socket.socket, n: int) -> None:
    conn.recv(65536)
    time.sleep(5)


@pytest.fixture
def peer_home() -> Iterator[Path]:
    home = Path(tempfile.mkdtemp(prefix="msq-", dir="/tmp"))
    (home / "run").mkdir()
    yield home
    shutil.rmtree(home, ignore_errors=True)


@pytest.mark.parametrize("behave", [garbage, half_frame], ids=["garbage", "half_frame"])
def test_bad_peer_falls_back_then_fails_clearly(peer_home: Path, behave: Callable) -> None:
    peer = Peer(peer_home / "run" / "msqd.sock", behave)
    try:
        c = Client(peer_home, autostart=False, timeout=3)
        t0 = time.monotonic()
        with pytest.raises(errors.MsqClientError) as ei:
            c.status()
        assert time.monotonic() - t0 < 8
        assert isinstance(ei.value, errors.DaemonNotRunning | errors.DaemonError), ei.value
        assert c.fallbacks, "the fast path should have given up and used grpc"
        with pytest.raises(errors.DaemonError, match="not understood"):
            Client(peer_home, autostart=False, transport="h2", timeout=3).status()
    finally:
        peer.close()


def test_silent_peer_times_out(peer_home: Path) -> None:
    peer = Peer(peer_home / "run" / "msqd.sock", silent)
    try:
        t0 = time.monotonic()
        with pytest.raises(_h2.Status) as ei:
            _h2.call(peer.path, SERVICE + "Status", b"", 0.5)
        assert ei.value.code == _h2.DEADLINE_EXCEEDED
        with pytest.raises(errors.DaemonError, match="did not answer in time"):
            Client(peer_home, autostart=False, transport="h2", timeout=0.5).status()
        assert time.monotonic() - t0 < 4
    finally:
        peer.close()


def test_fallback_gets_the_real_answer(demo: Daemon, peer_home: Path) -> None:
    """A proxy that garbles only the first connection: the answer comes over grpc."""
    real = str(sock_of(demo))

    def pipe(a: socket.socket, b: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := a.recv(65536):
                b.sendall(data)
            b.shutdown(socket.SHUT_WR)

    def proxy(conn: socket.socket, n: int) -> None:
        if n == 1:
            garbage(conn, n)
            return
        up = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        up.connect(real)
        t = threading.Thread(target=pipe, args=(up, conn), daemon=True)
        t.start()
        pipe(conn, up)
        t.join(5)
        up.close()

    peer = Peer(peer_home / "run" / "msqd.sock", proxy)
    try:
        with Client(peer_home, autostart=False, timeout=10) as c:
            card = c.get("vae-mnist/vae")
            assert len(c.fallbacks) == 1 and "not an HTTP/2 server" in c.fallbacks[0]
        with demo.client(transport="h2") as direct:
            assert card == direct.get("vae-mnist/vae")
    finally:
        peer.close()


# ---------------------------------------------------------------- start-up


def loaded_after(d: Daemon, args: list[str], env: dict[str, str]) -> str:
    code = (
        "import sys\nfrom msq.cli.main import main\n"
        f"try:\n    main(['--home', {str(d.home)!r}, '--no-autostart', *{args!r}])\n"
        "except SystemExit as e:\n    assert e.code in (0, None), e.code\n"
        "print('GRPC', sorted(m for m in sys.modules if m == 'grpc' or m.startswith('grpc.')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env},
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


@pytest.mark.parametrize(
    "args", [["search", "cifar"], ["show", "vae-mnist/vae"], ["ls"], ["status"], ["cifar"]]
)
def test_unary_commands_never_import_grpc(demo: Daemon, args: list[str]) -> None:
    assert "GRPC []" in loaded_after(demo, args, {"MSQ_TRANSPORT": ""})
    # The switch really switches: the same command over grpc does import it.
    assert "'grpc'" in loaded_after(demo, args, {"MSQ_TRANSPORT": "grpc"})


def test_health_messages_match_grpc_health_stubs() -> None:
    from grpc_health.v1 import health_pb2

    from msq.transport._wire import Schema

    schema = Schema(_h2._HEALTH_SCHEMA)
    for service in ("", "msq.v1.ModelSearch", "é" * 200):
        want = health_pb2.HealthCheckRequest(service=service).SerializeToString()
        assert schema.encode("grpc.health.v1.HealthCheckRequest", {"service": service}) == want
    enum = health_pb2.HealthCheckResponse.ServingStatus
    for number, name in enumerate(_h2.SERVING_STATUS):
        assert enum.Name(number) == name
        raw = health_pb2.HealthCheckResponse(status=number).SerializeToString()
        assert schema.decode("grpc.health.v1.HealthCheckResponse", raw).status == number
