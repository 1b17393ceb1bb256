"""The composition root: App (``root.py``) wires store, index, watcher, search and
compare together; Jobs (``jobs.py``) runs the background jobs on apscheduler.

May import every layer below it: msqd.search, msqd.compare, msqd.watch, msqd.index,
msqd.store, msqd.extract, msqd.card, msqd.config, msqd.vocab, msqd.errors. Only
msqd.serve and msqd.cli import it. Nothing is imported here: ``import msqd.app.jobs``
must not pull in the whole daemon.
"""
