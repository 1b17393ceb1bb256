"""msqd: the msq daemon. Watches project folders, extracts ModelCards, serves search over gRPC."""

__version__ = "0.1.0"
