"""`python -m services.gateway`: settings from the environment (prefix GATEWAY_)."""

from __future__ import annotations

import uvicorn

from services.common.logging import configure_logging
from services.gateway.app import create_app
from services.gateway.server import uvicorn_config
from services.gateway.settings import GatewaySettings


def main() -> None:
    settings = GatewaySettings()
    configure_logging("gateway", level=settings.log_level, json_lines=settings.log_json)
    uvicorn.Server(uvicorn_config(create_app(settings), settings)).run()


if __name__ == "__main__":
    main()
