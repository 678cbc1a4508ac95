"""The client's retries and errors, against a tiny in-memory transport (the integration tests run the real
platform; this one pins the retry rules precisely)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from netsynchro import (
    Certificate,
    CertificateError,
    Client,
    ConflictError,
    RefusedError,
    RetryPolicy,
    TransportError,
)

from tests.support.pki import TestPki

Handler = Callable[[httpx.Request], httpx.Response]


def make_client(pki: TestPki, handler: Handler, sleeps: list[float]) -> Client:
    files = pki.clients["school-a-edt"]
    return Client(
        "https://passerelle.test",
        Certificate.from_pem(files.cert, files.key),
        ca_file=pki.root,
        retry=RetryPolicy(attempts=4, base_delay=0.01),
        sleep=sleeps.append,
        transport=httpx.MockTransport(handler),
    )


def test_503_then_success_is_retried(test_pki: TestPki) -> None:
    answers = iter([httpx.Response(503), httpx.Response(503), httpx.Response(200, json={"uai": "0310053P"})])
    sleeps: list[float] = []
    with make_client(test_pki, lambda _request: next(answers), sleeps) as client:
        assert client.whoami() == {"uai": "0310053P"}
    assert len(sleeps) == 2


def test_429_waits_for_retry_after(test_pki: TestPki) -> None:
    answers = iter([httpx.Response(429, headers={"Retry-After": "3"}), httpx.Response(200, json={})])
    sleeps: list[float] = []
    with make_client(test_pki, lambda _request: next(answers), sleeps) as client:
        client.whoami()
    assert sleeps == [3.0]


def test_push_retries_reuse_the_same_idempotency_key(test_pki: TestPki) -> None:
    keys: list[str] = []

    def flaky(request: httpx.Request) -> httpx.Response:
        keys.append(request.headers["Idempotency-Key"])
        if len(keys) == 1:
            raise httpx.RemoteProtocolError("connexion coupée", request=request)
        return httpx.Response(202, json={"sync_id": "S1", "statut_url": "/v1/syncs/S1", "etat": "received"})

    with make_client(test_pki, flaky, []) as client:
        receipt = client.push("emploi-du-temps", "0310053P", 2026, b"<EDT_STS/>")
    assert len(keys) == 2
    assert keys[0] == keys[1] == receipt.idempotency_key


def test_problem_answers_become_typed_errors_with_code_and_message(test_pki: TestPki) -> None:
    problem = {"status": 403, "code": "flux-non-autorise", "title": "Flux interdit.", "sync_id": "S9"}
    with (
        make_client(test_pki, lambda _r: httpx.Response(403, json=problem), []) as client,
        pytest.raises(RefusedError) as refused,
    ):
        client.pull("eleves", "0310053P", 2026)
    assert (refused.value.code, refused.value.title, refused.value.sync_id) == (
        "flux-non-autorise",
        "Flux interdit.",
        "S9",
    )
    conflict = {"status": 409, "code": "curseur-perime", "title": "Curseur trop ancien."}
    with (
        make_client(test_pki, lambda _r: httpx.Response(409, json=conflict), []) as client,
        pytest.raises(ConflictError),
    ):
        client.pull("eleves", "0310053P", 2026, since="ancien")


def test_unreachable_platform_gives_up_after_the_allowed_attempts(test_pki: TestPki) -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refusé", request=request)

    sleeps: list[float] = []
    with make_client(test_pki, down, sleeps) as client, pytest.raises(TransportError):
        client.whoami()
    assert len(sleeps) == 3


def test_pkcs12_loads_with_its_password(test_pki: TestPki, tmp_path: Path) -> None:
    from services.common.pki import pkcs12_bundle

    issued = test_pki.ca.issue_with_new_key(uai="0310053P", editor="index-education", product="edt")
    bundle = tmp_path / "etab.p12"
    bundle.write_bytes(
        pkcs12_bundle(issued.certificate, issued.key, issued.chain, password=b"s3cret", friendly_name="x")
    )
    certificate = Certificate.from_pkcs12(bundle, "s3cret")
    assert certificate.x509.serial_number == issued.certificate.serial_number
    with pytest.raises(CertificateError, match="mot de passe du PKCS#12 incorrect"):
        Certificate.from_pkcs12(bundle, "mauvais")
