"""`python -m services.supervision`: settings from the environment (prefix SUPERVISION_)."""

from __future__ import annotations

import uvicorn

from services.common.logging import configure_logging
from services.supervision.app import create_app
from services.supervision.settings import SupervisionSettings


def main() -> None:
    settings = SupervisionSettings()
    configure_logging("supervision", level=settings.log_level, json_lines=settings.log_json)
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        timeout_graceful_shutdown=settings.graceful_shutdown_seconds,
    )


if __name__ == "__main__":
    main()
