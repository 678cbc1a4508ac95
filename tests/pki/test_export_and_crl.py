"""What leaves the CA: PEM keys, PKCS#12 bundles and CRLs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12

from services.common.pki import (
    CertificateAuthority,
    IssuedCertificate,
    load_private_key_pem,
    pkcs12_bundle,
    private_key_pem,
)
from tests.pki.support import NOW


@pytest.fixture(scope="module")
def issued(ca: CertificateAuthority) -> IssuedCertificate:
    return ca.issue_with_new_key(uai="0310053P", editor="index-education", product="edt", now=NOW)


def test_pkcs12_opens_with_its_password_and_holds_key_certificate_and_chain(
    issued: IssuedCertificate,
) -> None:
    bundle = pkcs12_bundle(
        issued.certificate, issued.key, issued.chain, password=b"s3cret", friendly_name="edt"
    )

    loaded = pkcs12.load_pkcs12(bundle, b"s3cret")

    assert loaded.cert is not None
    assert loaded.cert.certificate == issued.certificate
    assert loaded.key is not None
    assert loaded.key.public_key() == issued.key.public_key()
    assert [extra.certificate for extra in loaded.additional_certs] == list(issued.chain)


@pytest.mark.parametrize("wrong", [None, b"", b"netsynchro"])
def test_pkcs12_does_not_open_without_its_password(issued: IssuedCertificate, wrong: bytes | None) -> None:
    bundle = pkcs12_bundle(
        issued.certificate, issued.key, issued.chain, password=b"s3cret", friendly_name="edt"
    )
    with pytest.raises(ValueError, match="Invalid password"):
        pkcs12.load_pkcs12(bundle, wrong)


def test_pkcs12_refuses_an_empty_password(issued: IssuedCertificate) -> None:
    with pytest.raises(ValueError, match="password is required"):
        pkcs12_bundle(issued.certificate, issued.key, issued.chain, password=b"", friendly_name="edt")


def test_private_key_pem_is_encrypted_with_a_passphrase(issued: IssuedCertificate) -> None:
    encrypted = private_key_pem(issued.key, b"phrase")
    assert b"ENCRYPTED" in encrypted
    assert load_private_key_pem(encrypted, b"phrase").public_key() == issued.key.public_key()
    with pytest.raises(TypeError):
        load_private_key_pem(encrypted, None)


def test_crl_lists_the_revoked_serials_and_verifies_with_the_issuing_ca(
    ca: CertificateAuthority, foreign_ca: CertificateAuthority
) -> None:
    revoked = [
        (1234, NOW - timedelta(hours=2), x509.ReasonFlags.key_compromise),
        (5678, NOW - timedelta(hours=1), None),
    ]

    crl = ca.build_crl(revoked, now=NOW, number=42)

    assert crl.is_signature_valid(ca.issuing.key.public_key())
    assert not crl.is_signature_valid(foreign_ca.issuing.key.public_key())
    assert crl.issuer == ca.issuing.certificate.subject
    assert {entry.serial_number for entry in crl} == {1234, 5678}
    compromised = crl.get_revoked_certificate_by_serial_number(1234)
    assert compromised is not None
    assert compromised.extensions.get_extension_for_class(x509.CRLReason).value.reason is (
        x509.ReasonFlags.key_compromise
    )
    assert crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number == 42


def test_crl_expires_soon_and_numbers_grow_by_default(ca: CertificateAuthority) -> None:
    first = ca.build_crl([], now=NOW)
    second = ca.build_crl([], now=NOW + timedelta(seconds=1), next_update=timedelta(minutes=10))

    assert first.next_update_utc == NOW + timedelta(hours=1)
    assert second.next_update_utc == NOW + timedelta(seconds=1, minutes=10)
    numbers = [
        crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number for crl in (first, second)
    ]
    assert numbers[0] < numbers[1]
