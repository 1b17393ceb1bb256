"""One query from the shell to the daemon and back, with the real parts."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import start_daemon, wait_indexed

MSQ = [sys.executable, "-m", "msq"]

SCRIPT = '''\
"""Train a tiny DDPM on CIFAR-10."""
import torch
import torch.nn as nn
from torchvision import datasets

LR = 2e-4
EPOCHS = 30

class Denoiser(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 64, 3, padding=1)

    def forward(self, x, t):
        return self.conv(x)

ds = datasets.CIFAR10("data", train=True, download=True)
model = Denoiser()
opt = torch.optim.Adam(model.parameters(), lr=LR)
'''


def msq(
    home: Path, *args: str, check: bool = True, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*MSQ, "--home", str(home), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=check,
    )


def test_add_search_restart_without_reembedding(short_home: Path, tmp_path: Path) -> None:
    proj = tmp_path / "Generative-CIFAR"
    proj.mkdir()
    (proj / "ddpm_cifar.py").write_text(SCRIPT)
    d = start_daemon(short_home)
    try:
        out = msq(short_home, "--no-autostart", "add", str(proj))
        assert "watching" in out.stdout
        with d.client() as c:
            wait_indexed(c)
            first = c.status()
        res = json.loads(
            msq(short_home, "--json", "search", "diffusion model trained on cifar").stdout
        )
        ids = [r["card"]["model_id"] for r in res["results"]]
        assert "Generative-CIFAR/ddpm_cifar" in ids
        card = res["results"][ids.index("Generative-CIFAR/ddpm_cifar")]["card"]
        assert card["fields"]["framework"]["value"][0] == "pytorch"
        assert first.embeddings_computed >= 1
        t0 = time.monotonic()
        d.proc.send_signal(signal.SIGTERM)
        assert d.proc.wait(10) == 0
        assert time.monotonic() - t0 < 5.0
    finally:
        if d.proc.poll() is None:
            d.proc.kill()
            d.proc.wait(10)
    d2 = start_daemon(short_home)
    try:
        with d2.client() as c:
            wait_indexed(c)
            st = c.status()
            assert st.embeddings_computed == 0, "unchanged files were re-embedded after a restart"
            assert st.cards_total == first.cards_total
        res2 = json.loads(
            msq(short_home, "--json", "search", "diffusion model trained on cifar").stdout
        )
        assert [r["card"]["model_id"] for r in res2["results"]] == ids
    finally:
        assert d2.stop() == 0


def test_status_without_daemon_and_no_autostart(short_home: Path) -> None:
    out = msq(short_home, "--no-autostart", "status", check=False)
    assert out.returncode == 1
    lines = [x for x in out.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and "not running" in lines[0], out.stderr


def test_second_daemon_on_same_home_exits_clearly(hash_daemon) -> None:
    second = subprocess.run(
        [sys.executable, "-m", "msqd", "--home", str(hash_daemon.home)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert second.returncode == 1
    assert "already running" in (second.stdout + second.stderr)
    # The first one is unharmed.
    with hash_daemon.client() as c:
        assert c.health() == "SERVING"


def test_socket_and_folder_modes(hash_daemon) -> None:
    sock = hash_daemon.home / "run" / "msqd.sock"
    assert oct(sock.stat().st_mode & 0o777) == "0o600"
    assert oct(sock.parent.stat().st_mode & 0o777) == "0o700"


def test_stale_socket_is_replaced(short_home: Path) -> None:
    run = short_home / "run"
    run.mkdir(mode=0o700)
    (run / "msqd.sock").write_text("left over by a crash")
    d = start_daemon(short_home, env={"MSQ_EMBEDDING_MODEL": "hash"})
    try:
        with d.client() as c:
            assert c.health() == "SERVING"
    finally:
        assert d.stop() == 0


def test_client_never_imports_heavy_modules(hash_daemon, tmp_path: Path) -> None:
    proj = tmp_path / "p"
    proj.mkdir()
    (proj / "train.py").write_text(SCRIPT)
    code = (
        "import sys\n"
        "from msq.cli.main import main\n"
        f"sys.argv = ['msq', '--home', {str(hash_daemon.home)!r}, '--no-autostart', 'search', 'cifar']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('torch', 'sentence_transformers', 'hnswlib', 'llama_cpp', 'numpy') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "HEAVY []" in out.stdout, out.stdout + out.stderr


def test_sd_notify_ready(short_home: Path, tmp_path: Path) -> None:
    import socket

    addr = str(tmp_path / "notify.sock")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(addr)
    s.settimeout(60)
    try:
        d = start_daemon(short_home, env={"MSQ_EMBEDDING_MODEL": "hash", "NOTIFY_SOCKET": addr})
        try:
            msgs = []
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not any("READY=1" in m for m in msgs):
                msgs.append(s.recv(4096).decode())
            assert any("READY=1" in m for m in msgs)
            assert any("STATUS=" in m for m in msgs)
        finally:
            assert d.stop() == 0
    finally:
        s.close()


@pytest.mark.skipif(shutil.which("grpcurl") is None, reason="grpcurl is not installed")
def test_grpcurl_lists_services(hash_daemon) -> None:
    out = subprocess.run(
        ["grpcurl", "-plaintext", "-unix", str(hash_daemon.home / "run" / "msqd.sock"), "list"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert "msq.v1.ModelSearch" in out.stdout


def test_reflection_lists_services(hash_daemon) -> None:
    import grpc
    from grpc_reflection.v1alpha.proto_reflection_descriptor_database import (
        ProtoReflectionDescriptorDatabase,
    )

    ch = grpc.insecure_channel(f"unix://{hash_daemon.home / 'run' / 'msqd.sock'}")
    try:
        services = ProtoReflectionDescriptorDatabase(ch).get_services()
        assert "msq.v1.ModelSearch" in services
        assert "grpc.health.v1.Health" in services
    finally:
        ch.close()


def test_cards_of_an_older_extractor_are_extracted_again_on_start(
    short_home: Path, tmp_path: Path
) -> None:
    """An upgraded msqd must not keep serving what an older extractor said about a file
    that has not changed since: the start-up reconcile re-reads it."""
    import sqlite3

    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / "ddpm_cifar.py").write_text(SCRIPT)
    env = {"MSQ_EMBEDDING_MODEL": "hash"}
    d = start_daemon(short_home, env=env)
    try:
        msq(short_home, "--no-autostart", "add", str(proj))
        with d.client() as c:
            wait_indexed(c)
    finally:
        assert d.stop() == 0
    db_file = next(short_home.rglob("msq.sqlite3"))
    with sqlite3.connect(db_file) as db:
        (current,) = db.execute("SELECT extractor FROM cards").fetchone()
        assert current > 0
        # What an older extractor left behind: another version, a wrong learning rate.
        row = db.execute("SELECT id, card_json FROM cards").fetchone()
        card = json.loads(row[1])
        card["fields"]["learning_rate"]["value"] = 0.5
        db.execute(
            "UPDATE cards SET extractor = ?, card_json = ? WHERE id = ?",
            (current - 1, json.dumps(card), row[0]),
        )
    d2 = start_daemon(short_home, env=env)
    try:
        with d2.client() as c:
            wait_indexed(c)
            got = c.get("proj/ddpm_cifar")
        assert got.fields["learning_rate"].value == 2e-4
    finally:
        assert d2.stop() == 0
    with sqlite3.connect(db_file) as db:
        assert db.execute("SELECT extractor FROM cards").fetchone() == (current,)
