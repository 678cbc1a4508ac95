"""The gateway's dependencies: who is calling (from the client certificate) and may they do this."""

from __future__ import annotations

from collections.abc import MutableMapping
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, Request

from services.common.errors import AuthenticationFailed, DomainError, Forbidden, InvalidInput
from services.common.events import Direction
from services.common.formats.identifiers import is_valid_uai
from services.common.identity import EditorIdentity, identity_from_certificate, presented_certificate
from services.common.ids import new_sync_id
from services.common.logging import sync_id_var
from services.gateway.flows import Flow, ensure_flow_allowed
from services.gateway.proxy import forwarded_certificate
from services.gateway.state import GatewayState
from services.gateway.sync import Exchange

MIN_YEAR, MAX_YEAR = 2000, 2100


def gateway_state(request: Request) -> GatewayState:
    state: GatewayState = request.app.state.gateway
    return state


StateDep = Annotated[GatewayState, Depends(gateway_state)]


def client_certificate_der(scope: MutableMapping[str, Any]) -> bytes:
    tls = scope.get("extensions", {}).get("tls", {})
    der: bytes | None = tls.get("client_cert_der")
    if not der:
        raise AuthenticationFailed(
            "Aucun certificat client n'a été présenté : installez le certificat de l'établissement.",
            code="certificat-absent",
        )
    return der


def authenticate(request: Request, state: GatewayState, exchange: Exchange | None = None) -> EditorIdentity:
    """Identity from the verified certificate, re-checked on every request (revocation included).

    The ``exchange`` notes what the certificate says as soon as its chain is verified (by TLS, or by
    :func:`forwarded_certificate`), so a refusal for its dates, revocation or profile is journaled with
    its serial, editor, product and school. A certificate of another authority names no one."""
    now = datetime.now(UTC)
    certificate = (
        forwarded_certificate(request.scope, request.headers, state.settings, now=now)
        if state.settings.mode == "proxy"
        else client_certificate_der(request.scope)
    )
    if exchange is not None:
        exchange.presented = presented_certificate(certificate)
    identity = identity_from_certificate(certificate, now=now)
    state.trust.ensure_trusted(identity)
    return identity


def ensure_own_school(identity: EditorIdentity, uai: str) -> None:
    if not is_valid_uai(uai):
        raise InvalidInput(f"L'UAI « {uai} » est invalide (lettre clé incorrecte).", code="uai-invalide")
    if identity.uai != uai:
        raise Forbidden(
            f"Ce certificat est celui de l'établissement {identity.uai} : il ne donne pas accès à {uai}.",
            code="etablissement-non-autorise",
        )


def ensure_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidInput(f"L'année scolaire « {year} » est invalide.", code="annee-invalide")


def new_exchange(flow: str, direction: Direction, uai: str, annee: int) -> Exchange:
    """The exchange a request opens. What the path says is journaled only when well-formed: the refusal
    of `/etablissements/x.y/annees/99999999999999999999` must not carry values the journal cannot store
    (a year past any integer column) or route (a dot in a NATS subject)."""
    named = uai.upper() if is_valid_uai(uai.upper()) else None
    year = annee if MIN_YEAR <= annee <= MAX_YEAR else None
    return Exchange(new_sync_id(), flow, direction, uai=named, year=year)


def exchange_for(flow: Flow) -> Any:
    """A dependency opening the exchange for ``flow``: a refusal is recorded before it is raised."""

    async def open_exchange(request: Request, uai: str, annee: int, state: StateDep) -> Exchange:
        exchange = new_exchange(flow.name, flow.direction, uai, annee)
        sync_id_var.set(exchange.sync_id)
        request.state.sync_id = exchange.sync_id
        request.state.exchange = exchange  # journaled if the framework refuses it; the access log's who
        try:
            exchange.identity = authenticate(request, state, exchange)
            ensure_year(annee)
            ensure_own_school(exchange.identity, uai.upper())
            ensure_flow_allowed(exchange.identity.product, flow, state.trust.product_flows)
        except DomainError as error:
            await state.recorder.refused(exchange, error)
            raise
        return exchange

    return Depends(open_exchange)
