"""`python -m services.bee`: settings from the environment (prefix BEE_)."""

from __future__ import annotations

import uvicorn

from services.bee.app import create_app
from services.bee.settings import BeeSettings
from services.common.logging import configure_logging


def main() -> None:
    settings = BeeSettings()
    configure_logging("bee", level=settings.log_level, json_lines=settings.log_json)
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        timeout_graceful_shutdown=settings.graceful_shutdown_seconds,
    )


if __name__ == "__main__":
    main()
