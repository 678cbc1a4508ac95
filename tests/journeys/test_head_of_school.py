"""The head of school's journey in GIN-WEB's portal, on the platform as `make run` starts it.

Sign in; request a certificate by CSR (the key stays with the software) and download it; request one as
a PKCS#12 file; renew it; revoke the renewed one, confirming; the gateway refuses it on the next request
while the certificate it replaced still works during the overlap.
"""

from __future__ import annotations

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from netsynchro import Certificate
from playwright.sync_api import BrowserContext, expect

from services.common.identity import serial_hex
from services.common.pki import private_key_pem
from tests.ginweb.editors import make_csr
from tests.journeys.conftest import Screenshots
from tests.journeys.helpers import (
    refused_as_revoked,
    renew_as_pkcs12,
    request_pkcs12,
    revoke,
    serial_of_pkcs12,
    sign_in_portal,
)
from tests.journeys.platform import Netsynchro, RunningPlatform

pytestmark = pytest.mark.browser
SCHOOL = "0750702F"
EDITOR = "index-education"


def test_head_requests_downloads_renews_and_revokes_and_the_gateway_refuses_it(
    platform: RunningPlatform, netsynchro: Netsynchro, context: BrowserContext, screenshots: Screenshots
) -> None:
    page = context.new_page()
    sign_in_portal(page, platform, SCHOOL)
    screenshots.take(page, "portail-certificats")

    # By CSR: the software made the key and the request; the head pastes the request.
    key, csr = make_csr(SCHOOL, EDITOR, "edt")
    page.get_by_role("link", name="Demander un certificat").click()
    page.get_by_label("Logiciel (éditeur et produit habilités)").select_option(label="Index Éducation — EDT")
    page.get_by_label("ou collez-la ici").fill(csr.decode())
    screenshots.take(page, "portail-demande")
    page.get_by_role("button", name="Délivrer le certificat").click()
    expect(page.get_by_role("status")).to_contain_text("délivré")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le certificat (PEM)").click()
    cert_file = netsynchro.folder / "edt.crt.pem"
    download_info.value.save_as(cert_file)
    key_file = netsynchro.folder / "edt.key.pem"
    key_file.write_bytes(private_key_pem(key))
    by_csr = x509.load_pem_x509_certificates(cert_file.read_bytes())[0]
    assert by_csr.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    ) == key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    whoami = netsynchro.run(
        "edt", SCHOOL, "whoami", "--json", "--cert", str(cert_file), "--key", str(key_file)
    )
    assert whoami.returncode == 0, whoami.stderr.decode()
    assert serial_hex(by_csr.serial_number) in whoami.stdout.decode()

    # As a PKCS#12 file, then renewed.
    page.goto(f"{platform.ginweb_url}/certificats")
    first, first_password = request_pkcs12(page, netsynchro.folder, "Index Éducation — Pronote")
    first_serial = serial_of_pkcs12(first, first_password)
    page.goto(f"{platform.ginweb_url}/certificats/{first_serial}")
    screenshots.take(page, "portail-certificat")
    renewed, renewed_password = renew_as_pkcs12(page, netsynchro.folder)
    renewed_serial = serial_of_pkcs12(renewed, renewed_password)
    assert renewed_serial != first_serial
    for bundle, password in ((first, first_password), (renewed, renewed_password)):
        used = netsynchro.run("pronote", SCHOOL, "whoami", "--p12", str(bundle), "--password", password)
        assert used.returncode == 0, used.stderr.decode()

    page.goto(f"{platform.ginweb_url}/certificats/{renewed_serial}")
    screenshots.take(page, "portail-revocation")
    revoke(page, platform, renewed_serial)
    expect(page.locator(".pastille")).to_have_text("Révoqué")
    screenshots.take(page, "portail-revoque")

    problem = refused_as_revoked(platform, Certificate.from_pkcs12(renewed, renewed_password))
    assert problem["status"] == 401
    refused = netsynchro.run(
        "pronote", SCHOOL, "whoami", "--p12", str(renewed), "--password", renewed_password
    )
    assert refused.returncode == 3
    assert "[certificat-revoque]" in refused.stderr.decode()
    still = netsynchro.run("pronote", SCHOOL, "whoami", "--p12", str(first), "--password", first_password)
    assert still.returncode == 0, still.stderr.decode()  # the replaced one, during the overlap
