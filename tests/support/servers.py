"""Run uvicorn servers inside the test's event loop, on free ports."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn


@asynccontextmanager
async def serving(config: uvicorn.Config) -> AsyncIterator[uvicorn.Server]:
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            if task.done():
                # uvicorn exits the process (SystemExit) when it cannot start, e.g. a port taken: make
                # it a plain failure of this test, not an exit that derails the rest of the session.
                try:
                    task.result()
                except SystemExit as error:
                    raise RuntimeError(f"server could not start on port {config.port}") from error
                raise RuntimeError("server stopped during start-up")
            await asyncio.sleep(0.02)
        yield server
    finally:
        server.should_exit = True
        await task
