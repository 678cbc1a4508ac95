"""Proxy mode: the editor's certificate, forwarded by ingress-nginx, believed only from the proxy.

ingress-nginx (``auth-tls-verify-client``, ``auth-tls-pass-certificate-to-upstream``) terminates the
editor's TLS connection and sets on every request it forwards, replacing whatever the client sent under
those names:

- ``ssl-client-verify``: ``SUCCESS``, ``NONE`` or ``FAILED:<OpenSSL's reason>``;
- ``ssl-client-cert``: the client certificate as URL-encoded PEM (nginx's ``$ssl_client_escaped_cert``).

Anyone who reaches the gateway's port directly could send the same headers, so they are believed only
when the request provably comes from the proxy: the TCP peer is in ``trusted_peers`` **and** the proxy
proved itself, by the shared secret header (compared in constant time) or by the certificate of the
proxy's CA it presented on its TLS connection to the gateway. That listener asks for a certificate
without requiring one, so that the kubelet's probes (which have none) still reach ``/healthz`` and
``/readyz``; a request without the proxy's certificate never gets past :func:`ensure_from_proxy`.

The chain is verified again here, against the platform's CA, because no TLS handshake with the editor
happened in this process; then the certificate goes through the same identity and trust checks as in
mTLS mode (:func:`services.gateway.deps.authenticate`).
"""

from __future__ import annotations

import functools
import hmac
from collections.abc import Mapping, MutableMapping
from datetime import UTC, datetime
from ipaddress import ip_address
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import uvicorn
from cryptography import x509
from fastapi import FastAPI

from services.common.errors import AuthenticationFailed, Forbidden
from services.common.identity import verify_chain
from services.gateway.settings import GatewaySettings, ProxySettings
from services.gateway.tls import configure


def forwarded_certificate(
    scope: MutableMapping[str, Any], headers: Mapping[str, str], settings: GatewaySettings, *, now: datetime
) -> x509.Certificate:
    """The editor's certificate from the proxy's headers, its chain verified; refuses a non-proxy caller."""
    ensure_from_proxy(scope, headers, settings.proxy)
    certificate = _certificate_in(headers, settings.proxy)
    issuing_ca, root = _platform_ca(settings.tls.client_ca_file)
    verify_chain(certificate, issuing_ca, root, now=now)
    return certificate


def ensure_from_proxy(
    scope: MutableMapping[str, Any], headers: Mapping[str, str], proxy: ProxySettings
) -> None:
    if not (_peer_is_trusted(scope, proxy) and _proxy_proved_itself(scope, headers, proxy)):
        raise Forbidden(
            "Cette requête n'est pas passée par le point d'entrée de la plateforme.",
            code="mandataire-non-reconnu",
        )


def _peer_is_trusted(scope: MutableMapping[str, Any], proxy: ProxySettings) -> bool:
    # scope["client"] is the TCP peer: uvicorn's proxy-headers rewriting is off in proxy mode.
    client = scope.get("client")
    if not client:
        return False
    try:
        peer = ip_address(client[0])
    except ValueError:
        return False
    return any(peer in network for network in proxy.trusted_peers)


def _proxy_proved_itself(
    scope: MutableMapping[str, Any], headers: Mapping[str, str], proxy: ProxySettings
) -> bool:
    if proxy.requires_mtls and _has_valid_proxy_certificate(scope):
        return True
    if proxy.shared_secret is None:
        return False
    offered = headers.get(proxy.secret_header, "")
    return hmac.compare_digest(offered.encode(), proxy.shared_secret.get_secret_value().encode())


def _has_valid_proxy_certificate(scope: MutableMapping[str, Any]) -> bool:
    # OpenSSL verified the chain to the proxy's CA in the handshake, but not the dates (the gateway's TLS
    # layer leaves dates to the app): check them here.
    der = scope.get("extensions", {}).get("tls", {}).get("client_cert_der")
    if not der:
        return False
    certificate = x509.load_der_x509_certificate(der)
    now = datetime.now(UTC)
    return certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc


def _certificate_in(headers: Mapping[str, str], proxy: ProxySettings) -> x509.Certificate:
    verdict = headers.get(proxy.verify_header, "NONE")
    escaped = headers.get(proxy.certificate_header, "")
    if verdict == "NONE" or not escaped:
        raise AuthenticationFailed(
            "Aucun certificat client n'a été présenté : installez le certificat de l'établissement.",
            code="certificat-absent",
        )
    if verdict != "SUCCESS":
        raise _refusal_for(verdict)
    try:
        return x509.load_pem_x509_certificate(unquote(escaped).encode("ascii"))
    except ValueError as error:
        raise AuthenticationFailed(
            "Le certificat client est illisible.", code="certificat-illisible"
        ) from error


def _refusal_for(verdict: str) -> AuthenticationFailed:
    """The proxy's own refusal (``FAILED:<reason>``, with ``optional_no_ca``) under our usual codes."""
    reason = verdict.removeprefix("FAILED:").lower()
    if "expired" in reason:
        return AuthenticationFailed(
            "Le certificat client a expiré : demandez-en un nouveau sur GIN-WEB.", code="certificat-expire"
        )
    if "not yet valid" in reason:
        return AuthenticationFailed(
            "Le certificat client n'est pas encore valide.", code="certificat-pas-encore-valide"
        )
    return AuthenticationFailed(
        "Le certificat n'a pas été délivré par l'autorité de la plateforme.",
        code="certificat-autorite-inconnue",
    )


@functools.cache
def _platform_ca(chain_file: Path) -> tuple[x509.Certificate, x509.Certificate]:
    """(issuing CA, root) from the chain file; read once per process, like the TLS context it replaces."""
    certificates = x509.load_pem_x509_certificates(chain_file.read_bytes())
    roots = [cert for cert in certificates if cert.issuer == cert.subject]
    issuing = [cert for cert in certificates if cert.issuer != cert.subject]
    if len(roots) != 1 or len(issuing) != 1:
        raise ValueError(f"{chain_file}: expected one issuing CA and one root")
    return issuing[0], roots[0]


def proxy_uvicorn_config(app: FastAPI, settings: GatewaySettings) -> uvicorn.Config:
    """Plain HTTP behind the proxy, or TLS asking for the proxy's certificate (``proxy.client_ca_file``)."""
    options: dict[str, Any] = {}
    if settings.proxy.client_ca_file is not None:
        towards_proxy = settings.tls.model_copy(update={"client_ca_file": settings.proxy.client_ca_file})
        options["http"] = configure(towards_proxy)  # failed handshakes are logged, not editors' syncs
    return uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        timeout_keep_alive=settings.keep_alive_seconds,
        timeout_graceful_shutdown=settings.graceful_shutdown_seconds,
        # Never rewrite the peer from X-Forwarded-For: the peer address is one of the proxy's proofs.
        proxy_headers=False,
        log_config=None,
        access_log=False,
        lifespan="on",
        **options,
    )
