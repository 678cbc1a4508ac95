"""Refusals at the TLS handshake (foreign CA, broken chain) become sync events like any other refusal."""

from __future__ import annotations

import asyncio
import logging

from services.common.errors import AuthenticationFailed
from services.common.events import Direction
from services.common.ids import new_sync_id
from services.gateway.state import GatewayState
from services.gateway.sync import Exchange
from services.gateway.tls import HandshakeFailure, HandshakeFailureReporter

log = logging.getLogger(__name__)

# OpenSSL verify codes meaning "this certificate does not chain to our CA".
_UNKNOWN_ISSUER_CODES = {2, 18, 19, 20, 21, 30}
HANDSHAKE_FLOW = "authentification"


def refusal_for(failure: HandshakeFailure) -> AuthenticationFailed:
    if failure.verify_code in _UNKNOWN_ISSUER_CODES:
        return AuthenticationFailed(
            "Le certificat n'a pas été délivré par l'autorité de la plateforme (GIN-WEB).",
            code="certificat-autorite-inconnue",
            detail=failure.reason,
        )
    return AuthenticationFailed("La négociation TLS a échoué.", code="tls-refuse", detail=failure.reason)


def handshake_reporter(state: GatewayState) -> HandshakeFailureReporter:
    """A synchronous callback (called from the protocol) that records the refusal in the background."""
    pending: set[asyncio.Task[None]] = set()

    def report(failure: HandshakeFailure) -> None:
        exchange = Exchange(new_sync_id(), HANDSHAKE_FLOW, Direction.NONE, uai=None, year=None)
        error = refusal_for(failure)
        if failure.peer:
            error.extensions["client"] = f"{failure.peer[0]}:{failure.peer[1]}"
        task = asyncio.get_running_loop().create_task(state.recorder.refused(exchange, error))
        pending.add(task)
        task.add_done_callback(pending.discard)

    return report
