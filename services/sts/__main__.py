"""`python -m services.sts`: settings from the environment (prefix STS_)."""

from __future__ import annotations

import uvicorn

from services.common.logging import configure_logging
from services.sts.app import create_app
from services.sts.settings import StsSettings


def main() -> None:
    settings = StsSettings()
    configure_logging("sts", level=settings.log_level, json_lines=settings.log_json)
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        timeout_graceful_shutdown=settings.graceful_shutdown_seconds,
    )


if __name__ == "__main__":
    main()
