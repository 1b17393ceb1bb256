"""Per-field extraction accuracy on the wild corpus (tests/fixtures/wild), by part.

    .venv/bin/python scripts/wild_accuracy.py            # both tables
    .venv/bin/python scripts/wild_accuracy.py --misses dataset --part dev

Misses are printed for the development part only unless ``--check-misses`` is
given: rules are written from the development part, and the check part's misses
are looked at only to classify them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "daemon")]

from msqd.extract import extract_file  # noqa: E402
from tests.msqd.extract.wild import FIELDS, WILD, evaluate  # noqa: E402

_SHORT = {"arch_family": "arch", "model_classes": "classes", "learning_rate": "lr"}


def _table(reports: list) -> str:
    heads = ["part", "files", *(_SHORT.get(f, f) for f in FIELDS), "mean"]
    lines = ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
    for rep in reports:
        acc = rep.accuracy()
        cells = [rep.part, str(rep.n), *(f"{acc[f]:.2f}" for f in FIELDS), f"{rep.mean():.3f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--part", choices=["dev", "check", "both"], default="both")
    ap.add_argument("--misses", metavar="FIELD", choices=FIELDS, action="append", default=[])
    ap.add_argument("--check-misses", action="store_true", help="also print check-part misses")
    args = ap.parse_args()
    parts = ["dev", "check"] if args.part == "both" else [args.part]
    reports = [evaluate(p, lambda p: extract_file(p, WILD)) for p in parts]
    print(_table(reports))
    for rep in reports:
        if rep.part == "check" and not args.check_misses:
            continue
        for f in args.misses:
            print(f"\n## {rep.part} misses: {f} ({len(rep.misses[f])})")
            for fid, want, got in rep.misses[f]:
                print(f"{fid}\n    want {want!r}\n    got  {got!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
