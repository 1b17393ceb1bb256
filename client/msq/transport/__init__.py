"""How msq.Client reaches msqd: gRPC over the unix socket, with or without grpc.

The package owns the wire stack: ``_h2`` (a small gRPC unary caller over HTTP/2) with
``_hpack`` (its header codec), ``_wire`` and ``_wire_encode`` (the protobuf wire format
from the generated table msq.v1.msq_wire, no protobuf import) and ``_grpc`` (grpc
itself, for streams and as the fallback). msq.client is its one caller.

It may import the standard library, grpc and grpc_health (``_grpc`` only), msq.v1 and
msq.paths; never msq.client, msq.types, msq.render, msq.service or msq.cli (the layers
and independence contracts in pyproject.toml check it). Nothing is imported here: a
search loads ``_h2``, ``_hpack``, ``_wire`` and ``_wire_encode``, never ``_grpc``
unless it is needed.
"""
