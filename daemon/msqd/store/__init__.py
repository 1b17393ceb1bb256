"""Persistence: the SQLite store (``db.py`` with ``reads.py``, ``llm.py`` and the
append-only ``migrations.py``) and the vector index that caches its embeddings
(``vindex.py``: hnswlib, with the numpy matrix of ``vectors.py``).

May import only msqd.card, msqd.vocab and msqd.errors. Nothing is imported here, so
``import msqd.store.db`` loads neither numpy nor hnswlib.
"""
