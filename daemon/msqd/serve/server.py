"""msqd's lifecycle: startup, a loop that watches ``should_exit``, graceful shutdown.

Signal handlers only set flags. The daemon runs in the foreground (services
supervise it; it never forks), holds an exclusive lock on its home so two
daemons cannot share one, serves on a unix socket with mode 0600 in a 0700
folder (every other file it writes is 0600 too: msq.private), and reports
health (grpc.health.v1) and reflection.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import signal
import threading
import time
from concurrent import futures
from types import FrameType
from typing import IO

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from msq.v1 import msq_pb2, msq_pb2_grpc

from ..config import Config
from ..errors import Conflict, MsqError
from . import sdnotify

log = logging.getLogger(__name__)

SERVICE = msq_pb2.DESCRIPTOR.services_by_name["ModelSearch"].full_name
SHUTDOWN_GRACE = 2.0


class Server:
    """Runs msqd until SIGTERM/SIGINT; ``run()`` returns the exit code."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.should_exit = False
        self.force_exit = False
        self._lock_fh: IO[str] | None = None
        self.grpc_server: grpc.Server | None = None
        self.health = health.HealthServicer()
        self.app = None  # built in startup(): importing it pulls numpy, hnswlib ...
        self.ready = threading.Event()

    # ------------------------------------------------------------ entry

    def run(self) -> int:
        self.install_signal_handlers()
        try:
            self.startup()
        except MsqError as e:
            log.error("%s", e.message)
            print(f"msqd: {e.message}", flush=True)
            self._release_lock()
            return 1
        try:
            self.main_loop()
        finally:
            self.shutdown()
        return 0

    def install_signal_handlers(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self.handle_exit)
        # A file-size limit (ulimit -f) or a quota must fail the write (EFBIG, which
        # SQLite reports as "disk full" and the indexer retries), not kill the daemon.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self.should_exit and sig == signal.SIGINT:
            self.force_exit = True
        self.should_exit = True

    # ------------------------------------------------------------ phases

    def _acquire_lock(self) -> None:
        path = self.config.paths.lock_file
        path.parent.mkdir(parents=True, exist_ok=True)
        # Born 0600 (and chmod-ed if an older daemon left it looser).
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        with contextlib.suppress(OSError):
            os.fchmod(fd, 0o600)
        fh = os.fdopen(fd, "a+")  # held for the daemon's lifetime
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            pid = fh.read().strip() or "?"
            fh.close()
            raise Conflict(
                f"another msqd (pid {pid}) is already running for {self.config.paths.data_dir}; "
                "stop it first (msq daemon stop) or use another --home"
            ) from None
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        self._lock_fh = fh

    def _release_lock(self) -> None:
        if self._lock_fh is not None:
            self._lock_fh.close()
            self._lock_fh = None

    def startup(self) -> None:
        self.config.load()
        self._acquire_lock()
        self._log_tightened()
        from ..app.root import App  # heavy imports after the cheap checks

        sock = self.config.socket_path
        # We hold the lock, so a socket file left here is from a dead daemon.
        if sock.exists() or sock.is_symlink():
            sock.unlink()
        self.health.set(SERVICE, health_pb2.HealthCheckResponse.NOT_SERVING)
        self.health.set("", health_pb2.HealthCheckResponse.NOT_SERVING)
        app = App(self.config)
        from .servicer import ModelSearchServicer

        server = grpc.server(
            futures.ThreadPoolExecutor(max_workers=16, thread_name_prefix="msqd-rpc"),
            options=[("grpc.so_reuseport", 0)],
        )
        msq_pb2_grpc.add_ModelSearchServicer_to_server(ModelSearchServicer(app), server)
        health_pb2_grpc.add_HealthServicer_to_server(self.health, server)
        reflection.enable_server_reflection(
            (
                SERVICE,
                health_pb2.DESCRIPTOR.services_by_name["Health"].full_name,
                reflection.SERVICE_NAME,
            ),
            server,
        )
        old = os.umask(0o177)  # the socket is born 0600: no window where others can connect
        try:
            server.add_insecure_port(f"unix://{sock}")
            tcp = self.config.get("tcp")
            if tcp:
                host = tcp.rsplit(":", 1)[0].strip("[]")
                if host not in ("127.0.0.1", "localhost", "::1"):
                    raise MsqError(f"tcp address {tcp!r} is not on loopback; refusing to listen")
                server.add_insecure_port(tcp)
            server.start()
        finally:
            os.umask(old)
        os.chmod(sock, 0o600)
        self.grpc_server = server
        self.app = app
        app.open()
        self.health.set(SERVICE, health_pb2.HealthCheckResponse.SERVING)
        self.health.set("", health_pb2.HealthCheckResponse.SERVING)
        app.start()
        sdnotify.notify(f"READY=1\nSTATUS=serving on {sock}\nMAINPID={os.getpid()}")
        log.info("msqd %s serving on %s (pid %d)", app.version, sock, os.getpid())
        self.ready.set()

    def _log_tightened(self) -> None:
        """Say once that an older, looser install was made owner-only."""
        paths = self.config.tightened
        if not paths:
            return
        home = self.config.paths.home
        under = str(home) if home else os.path.commonpath([str(p) for p in paths])
        log.warning("tightened %d paths under %s to owner-only", len(paths), under)
        self.config.tightened = []

    def main_loop(self) -> None:
        last_status = ""
        last_save_check = 0.0
        while not self.should_exit:
            # A signal interrupts the sleep (the handler sets should_exit); 4 wake-ups
            # a second cost nothing measurable when idle.
            time.sleep(0.25)
            app = self.app
            if app is None:
                continue
            now = time.time()
            if now - last_save_check >= 1.0 and not app.indexer.active:
                # Persist the vector index once the database moved on and indexing
                # paused (save_index is a no-op when the generation is unchanged).
                last_save_check = now
                app.indexer.dirty_since = None
                app.save_index()
            status = self._status_line()
            if status != last_status:
                sdnotify.notify(f"STATUS={status}")
                last_status = status

    def _status_line(self) -> str:
        app = self.app
        if app is None:
            return "starting"
        q = app.indexer.queued
        return f"indexing, {q} files queued" if q else f"idle, {app.store.total()} models indexed"

    def shutdown(self) -> None:
        sdnotify.notify("STOPPING=1")
        log.info("shutting down")
        self.health.enter_graceful_shutdown()
        if self.grpc_server is not None:
            self.grpc_server.stop(grace=SHUTDOWN_GRACE if not self.force_exit else 0).wait(
                SHUTDOWN_GRACE + 1
            )
        if self.app is not None:
            self.app.stop()
        with contextlib.suppress(OSError):
            self.config.socket_path.unlink()
        self._release_lock()
