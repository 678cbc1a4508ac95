"""`python -m services.ginweb`: settings from the environment (prefix GINWEB_)."""

from __future__ import annotations

import uvicorn

from services.common.logging import configure_logging
from services.ginweb.app import create_app
from services.ginweb.settings import GinwebSettings


def main() -> None:
    settings = GinwebSettings()
    configure_logging("ginweb", level=settings.log_level, json_lines=settings.log_json)
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        timeout_graceful_shutdown=settings.graceful_shutdown_seconds,
    )


if __name__ == "__main__":
    main()
