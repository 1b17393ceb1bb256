"""Search: reading questions (``query.py``), the ``--filter`` language, the field
table and lexical index over stored cards, and ranking (``rank.py``: dense + lexical,
fused and reranked by soft constraints).

May import msqd.index (to embed a question), msqd.store, msqd.card, msqd.vocab and
msqd.errors; never msqd.watch, msqd.compare, msqd.app or msqd.serve, and never
protobuf (msqd.serve converts its results).
"""
