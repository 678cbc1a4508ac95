"""Issuance through the portal: the certificate works at the gateway for its own school only."""

from __future__ import annotations

import html
from pathlib import Path

from services.common.identity import serial_hex
from services.ginweb.deps import unit_of_work
from services.ginweb.registry import set_accreditation
from tests.ginweb.editors import install_pem, install_pkcs12, make_csr
from tests.ginweb.stack import Stack, csrf_of
from tests.support.pki import EDITOR, SCHOOL_A, SCHOOL_B

P12_PASSWORD = "Mot-de-passe-2026"


async def request_by_csr(
    stack: Stack, csr: bytes, product: str = "edt", uai: str = SCHOOL_A
) -> tuple[int, str]:
    async with stack.head(uai) as head:
        token = await csrf_of(head, "/certificats/nouveau")
        response = await head.post(
            "/certificats",
            data={"csrf_token": token, "product": product, "method": "csr"},
            files={"csr_file": ("demande.csr", csr, "application/pkcs10")},
        )
        return response.status_code, response.headers.get("location") or html.unescape(response.text)


async def test_csr_certificate_opens_mtls_and_reaches_its_school(
    stack_with_data: Stack, tmp_path: Path
) -> None:
    stack = stack_with_data
    key, csr = make_csr(SCHOOL_A, EDITOR, "edt")

    status, location = await request_by_csr(stack, csr)

    assert status == 303
    async with stack.head() as head:
        chain = (await head.get(f"{location}/certificat.pem")).content
    installed = install_pem(tmp_path, "csr", chain, key)
    assert location == f"/certificats/{serial_hex(installed.certificate.serial_number)}"
    async with stack.editor(installed.cert, installed.key) as editor:
        own = await editor.get(stack.nomenclatures_path(SCHOOL_A))
        other = await editor.get(stack.nomenclatures_path(SCHOOL_B))
    assert own.status_code == 200, own.text
    assert b"<BEE_NOMENCLATURES" in own.content
    assert (other.status_code, other.json()["code"]) == (403, "etablissement-non-autorise")


async def test_pkcs12_certificate_opens_mtls_and_reaches_its_school(
    stack_with_data: Stack, tmp_path: Path
) -> None:
    stack = stack_with_data
    async with stack.head() as head:
        form = await head.get("/certificats/nouveau")  # it shows a generated password
        token = await csrf_of(head, "/certificats/nouveau")
        response = await head.post(
            "/certificats",
            data={"csrf_token": token, "product": "pronote", "method": "pkcs12", "password": P12_PASSWORD},
        )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/x-pkcs12"
    assert "attachment" in response.headers["content-disposition"]
    # The bundle holds the private key, the form a password: no cache may keep either.
    assert (response.headers["cache-control"], form.headers["cache-control"]) == ("no-store", "no-store")

    installed = install_pkcs12(tmp_path, "p12", response.content, P12_PASSWORD)
    async with stack.editor(installed.cert, installed.key) as editor:
        answer = await editor.get(stack.nomenclatures_path(SCHOOL_A))
    assert answer.status_code == 200, answer.text


async def test_csr_asking_for_another_school_is_refused(stack: Stack) -> None:
    _key, csr = make_csr(SCHOOL_B, EDITOR, "edt")

    status, page = await request_by_csr(stack, csr, uai=SCHOOL_A)

    assert status == 400
    assert "ne correspond pas à l'établissement 0310053P" in page
    async with stack.head() as head:
        assert "Aucun certificat" in (await head.get("/certificats")).text


async def test_weak_pkcs12_password_is_refused_with_a_french_message(stack: Stack) -> None:
    async with stack.head() as head:
        token = await csrf_of(head, "/certificats/nouveau")
        response = await head.post(
            "/certificats",
            data={"csrf_token": token, "product": "edt", "method": "pkcs12", "password": "court"},
        )
    assert response.status_code == 400
    assert "au moins 12 caractères" in html.unescape(response.text)


async def test_head_cannot_see_nor_revoke_another_schools_certificate(stack: Stack) -> None:
    _key, csr = make_csr(SCHOOL_B, EDITOR, "pronote")
    _status, location = await request_by_csr(stack, csr, product="pronote", uai=SCHOOL_B)

    async with stack.head(SCHOOL_A) as head_a:
        seen = await head_a.get(location, headers={"accept": "text/html"})
        token = await csrf_of(head_a, "/certificats")
        revoked = await head_a.post(
            f"{location}/revocation", data={"csrf_token": token, "reason": "keyCompromise"}
        )
        listing = (await head_a.get("/certificats")).text

    assert seen.status_code == 404
    assert revoked.status_code == 404
    assert location.rsplit("/", 1)[1][:16] not in listing
    async with stack.head(SCHOOL_B) as head_b:
        assert "Valide" in (await head_b.get(location)).text


async def test_withdrawn_editors_product_cannot_be_requested(stack: Stack) -> None:
    _key, csr = make_csr(SCHOOL_A, "editeur-retire", "vie-scolaire")
    async with unit_of_work(stack.ginweb) as db:
        await set_accreditation(db, "editeur-retire", active=False, actor="test")

    status, page = await request_by_csr(stack, csr, product="vie-scolaire")

    assert status == 403
    assert "produit n'est pas habilité" in page


async def test_renewal_through_the_portal_keeps_the_old_certificate_during_the_grace_period(
    stack: Stack,
) -> None:
    _key, csr = make_csr(SCHOOL_A, EDITOR, "edt")
    _status, old = await request_by_csr(stack, csr)
    _new_key, new_csr = make_csr(SCHOOL_A, EDITOR, "edt")

    async with stack.head() as head:
        token = await csrf_of(head, f"{old}/renouvellement")
        response = await head.post(
            f"{old}/renouvellement",
            data={"csrf_token": token, "method": "csr", "csr_text": new_csr.decode()},
        )
        new = response.headers["location"]
        old_page = html.unescape((await head.get(old)).text)
        again = await head.get(f"{old}/renouvellement", headers={"accept": "text/html"})

    assert response.status_code == 303
    assert new != old
    assert "Remplacé (recouvrement)" in old_page
    assert new.rsplit("/", 1)[1] in old_page
    assert again.status_code == 409
