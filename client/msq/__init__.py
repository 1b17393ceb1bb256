"""msq: search your machine-learning scripts by what they train.

The Python API is :class:`msq.Client`; it is imported lazily so that
``msq --help`` does not pay for grpc.
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["Client", "__version__"]

# Not typing.TYPE_CHECKING: importing typing costs ~4 ms of a CLI start.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .client import Client


def __getattr__(name: str) -> Any:
    if name == "Client":
        from .client import Client

        return Client
    raise AttributeError(name)
