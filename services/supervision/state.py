"""What the lifespan opens and the routes use, typed, in ``app.state.supervision``."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from services.common.auth import OidcClient
from services.common.runtime import Runtime
from services.supervision.alerts.engine import AlertEngine
from services.supervision.diagnosis_client import DiagnosisClient
from services.supervision.live import Broadcaster
from services.supervision.relay import LiveRelay
from services.supervision.settings import SupervisionSettings


@dataclass
class SupervisionState:
    settings: SupervisionSettings
    runtime: Runtime
    broadcaster: Broadcaster
    relay: LiveRelay
    engine: AlertEngine
    diagnosis: DiagnosisClient
    oidc: OidcClient | None = None


def state_of(request: Request) -> SupervisionState:
    state: SupervisionState | None = getattr(request.app.state, "supervision", None)
    if state is None:
        raise RuntimeError("supervision is not started")
    return state
