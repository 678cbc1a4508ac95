"""Settings shared by every service.

Each service subclasses :class:`ServiceSettings` with its own env prefix (``GATEWAY_``, ``BEE_``...), and
nested models use ``__`` as delimiter (``BEE_DATABASE__URL``). Nothing is read at import time: only a
service's ``__main__`` calls ``Settings()``; tests build settings objects directly.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_NATS_URL = "nats://127.0.0.1:14222"  # never the machine's own 4222: `make run` starts its own server


class NatsSettings(BaseModel):
    # One URL, or several separated by commas: a client can start while one seed node is down.
    url: str = DEFAULT_NATS_URL
    connect_timeout: float = 5.0
    request_timeout: float = 15.0
    # How long a request waits for a lost connection to come back before it is answered 503
    # bus-indisponible (with Retry-After): an outage is answered in about this time, not a request timeout.
    outage_seconds: float = 1.5
    # Replicas for streams and buckets: 1 embedded, 3 on a cluster.
    replicas: int = 1

    @property
    def servers(self) -> list[str]:
        return [url.strip() for url in self.url.split(",") if url.strip()]


class DatabaseSettings(BaseModel):
    url: str
    # Embedded runs and tests create missing tables at start-up; in production an init step runs the
    # migrations (`python -m services.common.migrate <service> upgrade head`) and this is turned off.
    create_tables: bool = True
    echo: bool = False
    pool_size: int = 10
    max_overflow: int = 10


class ServiceSettings(BaseSettings):
    """What every service has: where it listens, how it logs, which NATS it talks to."""

    model_config = SettingsConfigDict(env_nested_delimiter="__", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    log_json: bool = True
    nats: NatsSettings = Field(default_factory=NatsSettings)
    # After SIGTERM or SIGINT, open requests (a live feed, an export being streamed) get this long before
    # they are cancelled; then the lifespan drains the bus (at most 5 s): every service stops within 10 s,
    # an in-flight job unacknowledged, so JetStream redelivers it. Without it uvicorn waits for every
    # connection, and a live feed never ends.
    graceful_shutdown_seconds: int = 3


def sqlite_url(path: Path) -> str:
    """An async SQLite URL for a file path."""
    return f"sqlite+aiosqlite:///{path}"
