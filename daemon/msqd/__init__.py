"""msqd: the msq daemon. Watches project folders, extracts ModelCards, serves search over gRPC.

One package per step of the data flow, each importing only the steps below it
(``[tool.importlinter]`` in pyproject.toml; ``lint-imports`` checks it):
``cli`` > ``serve`` (gRPC edge) > ``app`` (composition root, jobs) > ``search`` |
``compare`` | ``watch`` > ``index`` (indexer, embedding) > ``store`` | ``extract`` >
``card`` | ``config`` | ``vocab`` > ``errors``.
"""

__version__ = "0.1.0"
