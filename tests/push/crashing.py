"""STS as a process of its own, to kill by its pid at a named point of an import."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import httpx

from services.common.localnats import free_port
from services.common.settings import DatabaseSettings

ROOT = Path(__file__).resolve().parents[2]


class StsProcess:
    """``python -m services.sts`` with its settings in the environment; one log file per start."""

    def __init__(self, folder: Path, database: DatabaseSettings, nats_url: str, *, ack_wait: float) -> None:
        self.folder, self.database, self.nats_url, self.ack_wait = folder, database, nats_url, ack_wait
        self.process: asyncio.subprocess.Process | None = None
        self.log: Path = folder / "sts-0.log"
        self.starts = 0

    async def start(self, pause_at: str = "") -> None:
        self.starts += 1
        self.log = self.folder / f"sts-{self.starts}.log"
        port = free_port()
        env = {
            **os.environ,
            "STS_PORT": str(port),
            "STS_DATABASE__URL": self.database.url,
            "STS_NATS__URL": self.nats_url,
            "STS_IMPORTS__ACK_WAIT_SECONDS": str(self.ack_wait),
            "STS_IMPORTS__PAUSE_AT": pause_at,
            "STS_IMPORTS__PAUSE_SECONDS": "120",
        }
        with self.log.open("wb") as output:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "services.sts", cwd=ROOT, env=env, stdout=output, stderr=output
            )
        await self._ready(port)

    async def _ready(self, port: int) -> None:
        async with httpx.AsyncClient() as client:
            for _ in range(200):
                assert self.process is not None
                assert self.process.returncode is None, self.log.read_text()
                try:
                    if (await client.get(f"http://127.0.0.1:{port}/readyz")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.05)
        raise AssertionError(f"sts did not start: {self.log.read_text()}")

    async def wait_for(self, text: str, within: float = 60.0) -> None:
        """Until ``text`` appears in this start's log."""
        deadline = asyncio.get_running_loop().time() + within
        while text not in self.log.read_text(errors="replace"):
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"never logged {text!r}: {self.log.read_text()}")
            await asyncio.sleep(0.05)

    async def kill(self) -> None:
        """SIGKILL by pid: no lifespan shutdown, no drain, no ack."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        await asyncio.wait_for(self.process.wait(), 10)

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.terminate()
            await asyncio.wait_for(self.process.wait(), 20)
