"""Shared benchmark helpers: generate a corpus of scripts, start a daemon on a home.

The corpus is built from the project's own fixture and demo scripts with small
deterministic mutations (hyper-parameter values, a comment with the file's
number, renamed classes), so every file has distinct content and a distinct
embedding while staying realistic for the extractor.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOURCES = [REPO / "tests" / "fixtures" / "corpus", REPO / "client" / "msq" / "demo" / "corpus"]

_NUM = re.compile(r"(?<![\w.])(\d+\.\d+|\d+e-\d+|\d{2,4})(?![\w.])")


def seed_scripts() -> list[tuple[str, str]]:
    """(project/name, text) of every fixture and demo script, sorted for determinism."""
    out = []
    for src in SOURCES:
        for p in sorted(src.rglob("*.py")):
            # Some fixtures are deliberately not UTF-8; their variants need not be.
            text = p.read_bytes().decode("utf-8", errors="replace")
            out.append((f"{p.parent.name}/{p.stem}", text))
    if not out:
        raise RuntimeError(f"no seed scripts under {SOURCES}")
    return out


def mutate(text: str, n: int, rng: random.Random) -> str:
    """A small deterministic variation of ``text``: numbers nudged, a tagged header."""

    def nudge(m: re.Match[str]) -> str:
        s = m.group(0)
        if rng.random() > 0.3:
            return s
        if "." in s or "e-" in s:
            return f"{float(s) * rng.choice([0.5, 2, 3, 0.1]):g}"
        return str(max(1, int(s) + rng.randint(-3, 9)))

    body = _NUM.sub(nudge, text)
    return f"# variant {n}: experiment {rng.randint(0, 10**6)}\n{body}\n# end variant {n}\n"


def generate(root: Path, n: int, seed: int = 0, per_folder: int = 25) -> list[Path]:
    """Write ``n`` scripts under ``root`` (``per_folder`` per project folder); return them."""
    rng = random.Random(seed)
    seeds = seed_scripts()
    files = []
    for i in range(n):
        name, text = seeds[i % len(seeds)]
        project, stem = name.split("/")
        d = root / f"{project}-{i // per_folder:04d}"
        d.mkdir(parents=True, exist_ok=True)
        p = d / f"{stem}_{i:05d}.py"
        p.write_text(mutate(text, i, rng), encoding="utf-8")
        files.append(p)
    return files


def edit(path: Path, n: int, salt: str = "") -> str:
    """Append a marker line to ``path`` (``salt`` makes it unique across runs)."""
    word = f"zqmarker{n:06d}{salt}"
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(f"\n# {word}\nMARK_{n} = {n}\n")
    return word


@dataclass
class BenchDaemon:
    """A msqd subprocess on a home folder."""

    home: Path
    proc: subprocess.Popen[bytes]
    log: Path

    def client(self, timeout: float = 30.0):  # -> msq.Client
        from msq import Client

        return Client(self.home, autostart=False, timeout=timeout)

    def stop(self, timeout: float = 30.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)


def start_daemon(
    home: Path, env: dict[str, str] | None = None, timeout: float = 120.0
) -> BenchDaemon:
    """Start ``msqd --home home`` and wait until it answers health checks."""
    from msq import Client

    log = home / "bench-daemon.out"
    home.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "msqd", "--home", str(home)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "HF_HUB_OFFLINE": "1", **(env or {})},
        )
    c = Client(home, autostart=False)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"msqd exited with {proc.returncode}; see {log}")
        if c.health() == "SERVING":
            return BenchDaemon(home, proc, log)
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"msqd did not serve within {timeout} s; see {log}")


def wait_idle(client, timeout: float = 3600.0, tick: float = 0.2) -> float:
    """Wait until the model is loaded and the queue is empty; return the seconds waited."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        st = client.status()
        if st.embedding_ready and not st.progress.active:
            return time.monotonic() - t0
        time.sleep(tick)
    raise TimeoutError("daemon did not finish indexing")


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) by nearest rank."""
    s = sorted(values)
    if not s:
        return float("nan")
    return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))]
