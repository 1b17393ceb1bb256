"""Watching roots: the watchdog observer and its per-folder watches, the per-path
debounce, ignore rules, and the Reconciler (disk vs store) that feeds the indexer.

May import msqd.index, msqd.store, msqd.card, msqd.vocab and msqd.errors; never
msqd.search, msqd.compare, msqd.app or msqd.serve.
"""
