"""identity_from_certificate and verify_chain: what the gateway learns from a certificate, or why not."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import ExtendedKeyUsageOID

from services.common.errors import AuthenticationFailed
from services.common.identity import identity_from_certificate, verify_chain
from services.common.pki import CertificateAuthority, EditorBinding
from services.common.pki.issuance import Issuer, editor_certificate, issuing_certificate, new_key
from tests.pki.support import NOW

GOOD_URIS = ["urn:netsynchro:uai:0310053P", "urn:netsynchro:editeur:index-education:produit:edt"]


def craft(
    ca: CertificateAuthority,
    *,
    subject: str = "C=FR,O=index-education,OU=edt,CN=0310053P",
    uris: list[str] | None = GOOD_URIS,
    usage: x509.ObjectIdentifier = ExtendedKeyUsageOID.CLIENT_AUTH,
) -> x509.Certificate:
    """A certificate signed with the real issuing CA key but outside the profile GIN-WEB enforces."""
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name.from_rfc4514_string(subject))
        .issuer_name(ca.issuing.certificate.subject)
        .public_key(new_key().public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(days=1))
        .not_valid_after(NOW + timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
    )
    if uris is not None:
        names = [x509.UniformResourceIdentifier(uri) for uri in uris]
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    return builder.sign(ca.issuing.key, hashes.SHA256())


def refusal_code(certificate: x509.Certificate | bytes | None) -> str:
    with pytest.raises(AuthenticationFailed) as caught:
        identity_from_certificate(certificate, now=NOW)
    assert caught.value.title
    return caught.value.code


def test_identity_of_a_profile_certificate(ca: CertificateAuthority) -> None:
    cert = ca.issue_with_new_key(
        uai="0332490C", editor="index-education", product="pronote", now=NOW
    ).certificate

    identity = identity_from_certificate(cert.public_bytes(serialization.Encoding.DER), now=NOW)

    assert (identity.uai, identity.editor, identity.product) == ("0332490C", "index-education", "pronote")
    assert identity.serial == cert.serial_number
    assert int(identity.serial_hex, 16) == cert.serial_number
    assert len(identity.serial_hex) % 2 == 0
    assert identity.subject == "CN=0332490C,OU=pronote,O=index-education,C=FR"
    assert identity.not_after == cert.not_valid_after_utc


def test_crafted_certificate_within_the_profile_is_accepted(ca: CertificateAuthority) -> None:
    assert identity_from_certificate(craft(ca), now=NOW).uai == "0310053P"


@pytest.mark.parametrize("missing", [None, b""])
def test_no_certificate(missing: bytes | None) -> None:
    assert refusal_code(missing) == "certificat-absent"


def test_unreadable_certificate() -> None:
    assert refusal_code(b"\x30\x03garbage") == "certificat-illisible"


def test_expired_certificate(ca: CertificateAuthority) -> None:
    start, end = NOW - timedelta(days=400), NOW - timedelta(seconds=1)
    cert = ca.issue_with_new_key(uai="0310053P", editor="e", product="p", not_before=start, not_after=end)
    assert refusal_code(cert.certificate) == "certificat-expire"


def test_not_yet_valid_certificate(ca: CertificateAuthority) -> None:
    start, end = NOW + timedelta(seconds=1), NOW + timedelta(days=30)
    cert = ca.issue_with_new_key(uai="0310053P", editor="e", product="p", not_before=start, not_after=end)
    assert refusal_code(cert.certificate) == "certificat-pas-encore-valide"


def test_certificate_without_client_auth_usage(ca: CertificateAuthority) -> None:
    assert refusal_code(craft(ca, usage=ExtendedKeyUsageOID.SERVER_AUTH)) == "certificat-usage-invalide"


@pytest.mark.parametrize(
    ("subject", "uris"),
    [
        pytest.param("C=FR,O=index-education,OU=edt,CN=0332490C", GOOD_URIS, id="cn-names-another-school"),
        pytest.param(
            "C=FR,O=index-education,OU=pronote,CN=0310053P", GOOD_URIS, id="ou-names-another-product"
        ),
        pytest.param("C=FR,O=autre-editeur,OU=edt,CN=0310053P", GOOD_URIS, id="o-names-another-editor"),
        pytest.param("C=FR,O=index-education,OU=edt,CN=0310053P", None, id="no-san"),
        pytest.param("C=FR,O=index-education,OU=edt,CN=0310053P", GOOD_URIS[:1], id="no-product-uri"),
        pytest.param(
            "C=FR,O=index-education,OU=edt,CN=0310053P",
            [*GOOD_URIS, "urn:netsynchro:uai:0332490C"],
            id="two-schools-in-san",
        ),
        pytest.param("C=FR,O=index-education,OU=edt,CN=0310053P+CN=0332490C", GOOD_URIS, id="two-cns"),
    ],
)
def test_subject_and_san_must_agree(ca: CertificateAuthority, subject: str, uris: list[str] | None) -> None:
    assert refusal_code(craft(ca, subject=subject, uris=uris)) == "certificat-incoherent"


def test_uai_with_a_wrong_check_letter(ca: CertificateAuthority) -> None:
    binding = EditorBinding("0750001A", "index-education", "edt")
    cert = editor_certificate(
        ca.issuing, new_key().public_key(), binding, not_before=NOW, not_after=NOW + timedelta(days=1)
    )
    assert refusal_code(cert) == "uai-invalide"


def test_chain_of_a_certificate_we_issued_verifies(ca: CertificateAuthority) -> None:
    cert = ca.issue_with_new_key(uai="0310053P", editor="e", product="p", now=NOW).certificate
    verify_chain(cert, ca.issuing.certificate, ca.root_certificate, now=NOW)


def test_chain_of_a_foreign_certificate_is_refused(
    ca: CertificateAuthority, foreign_ca: CertificateAuthority
) -> None:
    cert = foreign_ca.issue_with_new_key(uai="0310053P", editor="e", product="p", now=NOW).certificate
    with pytest.raises(AuthenticationFailed) as caught:
        verify_chain(cert, ca.issuing.certificate, ca.root_certificate)
    assert caught.value.code == "certificat-autorite-inconnue"


def test_chain_with_our_issuer_name_but_another_key_is_refused(
    ca: CertificateAuthority, foreign_ca: CertificateAuthority
) -> None:
    # Names match, so only the signature check can tell the forgery apart.
    impostor_key = new_key()
    impostor_cert = issuing_certificate(
        foreign_ca.issuing, impostor_key, ca.issuing.certificate.subject, now=NOW - timedelta(days=1)
    )
    impostor = Issuer(impostor_cert, impostor_key)
    binding = EditorBinding("0310053P", "index-education", "edt")
    forged = editor_certificate(
        impostor, new_key().public_key(), binding, not_before=NOW, not_after=NOW + timedelta(days=1)
    )
    assert forged.issuer == ca.issuing.certificate.subject
    with pytest.raises(AuthenticationFailed) as caught:
        verify_chain(forged, ca.issuing.certificate, ca.root_certificate)
    assert caught.value.code == "certificat-autorite-inconnue"


def test_chain_check_refuses_an_expired_ca_when_asked(ca: CertificateAuthority) -> None:
    cert = ca.issue_with_new_key(uai="0310053P", editor="e", product="p", now=NOW).certificate
    later = ca.issuing.certificate.not_valid_after_utc + timedelta(days=1)
    with pytest.raises(AuthenticationFailed) as caught:
        verify_chain(cert, ca.issuing.certificate, ca.root_certificate, now=later)
    assert caught.value.code == "autorite-expiree"


def test_identity_refusals_carry_french_titles(ca: CertificateAuthority) -> None:
    with pytest.raises(AuthenticationFailed) as caught:
        identity_from_certificate(craft(ca, uris=None), now=NOW)
    assert caught.value.to_problem()["status"] == 401
    assert "établissement" in caught.value.title


def test_subject_attributes_outside_the_profile_are_ignored(ca: CertificateAuthority) -> None:
    cert = craft(ca, subject="C=FR,L=Toulouse,O=index-education,OU=edt,CN=0310053P")
    assert identity_from_certificate(cert, now=NOW).product == "edt"
