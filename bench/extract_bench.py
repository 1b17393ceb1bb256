"""Extractor throughput: files/s and MB/s on the fixtures, the wild corpus and 1,000 generated scripts.

The generated corpus (10-50 KB per file) is built deterministically from the
fixture scripts by concatenating them with renamed classes, functions and
constants, so it looks like real code rather than repeated text. A baseline of
bare ``ast.parse`` on the same files is printed in the same run so the ratio
holds on any machine.

    PYTHONPATH=daemon:client .venv/bin/python bench/extract_bench.py [--files 1000]
"""

from __future__ import annotations

import argparse
import ast
import random
import re
import shutil
import tempfile
import time
from pathlib import Path

from msqd.extract import extract_file

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "fixtures" / "corpus"
WILD = ROOT / "tests" / "fixtures" / "wild"
_DEFINED = re.compile(r"^(?:class|def)\s+(\w+)|^([A-Z][A-Z0-9_]{2,})\s*=", re.M)


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
    except (SyntaxError, ValueError):
        return False
    return True


def _chunks() -> list[str]:
    out = []
    for p in sorted(CORPUS.rglob("*.py")):
        text = p.read_text(encoding="utf-8", errors="replace")
        text = "\n".join(ln for ln in text.split("\n") if not ln.startswith("from __future__"))
        if _parses(text):
            out.append(text)
    return out


def _rename(text: str, suffix: str) -> str:
    names = {a or b for a, b in _DEFINED.findall(text)} - {"__init__", "forward", "main"}
    if not names:
        return text
    pattern = re.compile(
        r"\b(" + "|".join(sorted(map(re.escape, names), key=len, reverse=True)) + r")\b"
    )
    return pattern.sub(lambda m: m.group(1) + suffix, text)


def generate(dest: Path, n: int, seed: int = 1234) -> list[Path]:
    """Write ``n`` scripts of 10-50 KB under ``dest`` (deterministic for a seed)."""
    rng = random.Random(seed)
    chunks = _chunks()
    paths = []
    for i in range(n):
        target = rng.randint(10_000, 50_000)
        parts: list[str] = []
        size = 0
        k = 0
        while size < target:
            piece = _rename(rng.choice(chunks), f"_{i}_{k}")
            parts.append(piece)
            size += len(piece) + 2
            k += 1
        p = dest / f"proj_{i % 40:02d}" / f"script_{i:04d}.py"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("\n\n".join(parts), encoding="utf-8")
        paths.append(p)
    return paths


def _measure(paths: list[Path], root: Path, rounds: int) -> tuple[float, float]:
    """CPU seconds (this process only, so other load on the machine does not count) for
    extract_file and for bare ast.parse, interleaved file by file; best of ``rounds``."""
    best_ext = best_ast = float("inf")
    for _ in range(rounds):
        t_ext = t_ast = 0.0
        for p in paths:
            t0 = time.process_time()
            extract_file(p, root)
            t1 = time.process_time()
            if p.suffix == ".py":
                _bare_parse(p)
            t_ast += time.process_time() - t1
            t_ext += t1 - t0
        best_ext, best_ast = min(best_ext, t_ext), min(best_ast, t_ast)
    return best_ext, best_ast


def _bare_parse(p: Path) -> object:
    try:
        return ast.parse(p.read_bytes())
    except (SyntaxError, ValueError):
        return None  # the broken fixtures cost a failed parse here too


def report(label: str, paths: list[Path], root: Path, rounds: int) -> None:
    nbytes = sum(p.stat().st_size for p in paths)
    statuses: dict[str, int] = {}
    for p in paths:  # warm caches (git lookup, sibling parses) and count outcomes
        c = extract_file(p, root)
        statuses[c.status] = statuses.get(c.status, 0) + 1
    py = [p for p in paths if p.suffix == ".py"]
    py_bytes = sum(p.stat().st_size for p in py)
    wall0 = time.perf_counter()
    t_ext, t_ast = _measure(paths, root, rounds)
    wall = (time.perf_counter() - wall0) / rounds
    print(f"{label}: {len(paths)} files, {nbytes / 1e6:.2f} MB, statuses {statuses}")
    print(
        f"  extract_file : {len(paths) / t_ext:8.1f} files/s  {nbytes / 1e6 / t_ext:6.2f} MB/s"
        f"  ({t_ext * 1000 / len(paths):.2f} ms/file CPU)"
    )
    print(
        f"  ast.parse    : {len(py) / t_ast:8.1f} files/s  {py_bytes / 1e6 / t_ast:6.2f} MB/s"
        f"  ({t_ast * 1000 / len(py):.2f} ms/file CPU)"
    )
    print(
        f"  ratio extract/ast.parse per file: {(t_ext / len(paths)) / (t_ast / len(py)):.2f}x"
        f"   (wall per round incl. both: {wall:.1f}s)"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    fixtures = sorted(p for p in CORPUS.rglob("*") if p.suffix in (".py", ".ipynb"))
    report("fixtures", fixtures, CORPUS, args.rounds)
    # Real public code (tests/fixtures/wild): strangers' styles, big notebooks.
    wild = sorted(p for p in WILD.rglob("*") if p.suffix in (".py", ".ipynb"))
    report("wild", wild, WILD, args.rounds)
    tmp = Path(tempfile.mkdtemp(prefix="msq-bench-"))
    try:
        t0 = time.perf_counter()
        paths = generate(tmp, args.files)
        print(f"generated {len(paths)} scripts in {time.perf_counter() - t0:.1f}s under {tmp}")
        report("generated", paths, tmp, max(1, args.rounds - 1))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
