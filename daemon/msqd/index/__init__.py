"""Indexing: the Indexer (queue + worker: extract -> embed -> store -> vector index),
the embedders (``embed.py``; torch and sentence-transformers are imported lazily there)
and the texts embedded and searched for a card (``cardtext.py``).

May import msqd.store, msqd.card, msqd.vocab and msqd.errors; never msqd.extract (the
App hands the Indexer its extract function), msqd.watch, msqd.search, msqd.compare,
msqd.app or msqd.serve.
"""
