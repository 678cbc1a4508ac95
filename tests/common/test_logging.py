"""Structured logging: one JSON object per line, carrying the sync id of the exchange."""

from __future__ import annotations

import io
import json
import logging

from services.common.logging import JsonFormatter, SyncIdFilter, sync_id_var


def capture() -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(SyncIdFilter())
    handler.setFormatter(JsonFormatter("bee"))
    logger = logging.getLogger("test.structured")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger, stream


def test_every_line_carries_the_current_sync_id_and_extra_fields() -> None:
    logger, stream = capture()
    token = sync_id_var.set("01JDEMO0000000000000000000")
    try:
        logger.info("export servi", extra={"uai": "0310053P", "octets": 1234})
    finally:
        sync_id_var.reset(token)
    logger.info("hors échange")

    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["sync_id"] == "01JDEMO0000000000000000000"
    assert (first["service"], first["msg"], first["uai"], first["octets"]) == (
        "bee",
        "export servi",
        "0310053P",
        1234,
    )
    assert second["sync_id"] is None
