"""The gRPC edge: Server (socket, lock, health, signals, main loop), the servicer,
the Compare stream, and conversion of core objects to msq.v1 protobuf messages.

The only daemon package that speaks protobuf (msq.v1). May import msqd.app and every
layer below it; only msqd.cli imports it. Nothing is imported here: msqd.cli imports
``msqd.serve.server`` lazily, and the server imports the app only after its cheap checks.
"""
