"""Structured logging: one JSON object per line, with the sync id of the exchange being served.

The sync id travels in a context variable: the gateway sets it per request, bus handlers set it from the
``Sync-Id`` header, so every line a service writes about an exchange can be joined to the supervision
journal.
"""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

sync_id_var: ContextVar[str | None] = ContextVar("sync_id", default=None)

_STANDARD_ATTRS = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "sync_id"}


class SyncIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        current = sync_id_var.get()
        if current is not None or not hasattr(record, "sync_id"):  # an explicit one (access log) stays
            record.sync_id = current
        return True


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "service": self.service,
            "logger": record.name,
            "msg": record.getMessage(),
            "sync_id": getattr(record, "sync_id", None),
        }
        entry.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD_ATTRS})
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(service: str, *, level: str = "INFO", json_lines: bool = True) -> None:
    """Configure the root logger once, from a service's ``__main__``."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(SyncIdFilter())
    if json_lines:
        handler.setFormatter(JsonFormatter(service))
    else:
        handler.setFormatter(
            logging.Formatter(f"%(asctime)s {service} %(levelname)s [%(sync_id)s] %(message)s")
        )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("uvicorn.access",):
        logging.getLogger(noisy).setLevel(logging.WARNING)
