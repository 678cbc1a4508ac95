"""The editor certificate profile, as issued by CertificateAuthority.issue_with_new_key."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID

from services.common.errors import InvalidInput
from services.common.pki import CertificateAuthority, certificates_pem
from services.common.pki.profile import school_year_end, school_year_start
from tests.pki.support import NOW, uris_of


@pytest.fixture(scope="module")
def issued(ca: CertificateAuthority) -> x509.Certificate:
    return ca.issue_with_new_key(uai="0310053P", editor="index-education", product="edt", now=NOW).certificate


def test_subject_names_country_editor_product_and_school(issued: x509.Certificate) -> None:
    assert issued.subject.rfc4514_string() == "CN=0310053P,OU=edt,O=index-education,C=FR"


def test_san_uris_name_the_school_and_the_product(issued: x509.Certificate) -> None:
    assert uris_of(issued) == [
        "urn:netsynchro:uai:0310053P",
        "urn:netsynchro:editeur:index-education:produit:edt",
    ]


def test_usage_is_client_authentication_only(issued: x509.Certificate) -> None:
    extensions = issued.extensions
    assert list(extensions.get_extension_for_class(x509.ExtendedKeyUsage).value) == [
        ExtendedKeyUsageOID.CLIENT_AUTH
    ]
    key_usage = extensions.get_extension_for_class(x509.KeyUsage)
    assert key_usage.critical
    assert key_usage.value.digital_signature
    assert not key_usage.value.key_cert_sign
    assert extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False


def test_key_identifiers_link_the_certificate_to_the_issuing_ca(
    issued: x509.Certificate, ca: CertificateAuthority
) -> None:
    aki = issued.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value
    ca_ski = ca.issuing.certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    assert aki.key_identifier == ca_ski.digest
    assert issued.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest


def test_validity_runs_to_31_august_ending_the_school_year_plus_30_days(issued: x509.Certificate) -> None:
    assert issued.not_valid_before_utc <= NOW
    assert issued.not_valid_after_utc == datetime(2026, 8, 31, 23, 59, 59, tzinfo=UTC) + timedelta(days=30)


def test_margin_and_explicit_dates_override_the_default(ca: CertificateAuthority) -> None:
    short = ca.issue_with_new_key(uai="0310053P", editor="e", product="p", now=NOW, margin=timedelta(0))
    start, end = NOW + timedelta(days=2), NOW + timedelta(days=3)
    explicit = ca.issue_with_new_key(uai="0310053P", editor="e", product="p", not_before=start, not_after=end)
    assert short.certificate.not_valid_after_utc == datetime(2026, 8, 31, 23, 59, 59, tzinfo=UTC)
    assert (explicit.certificate.not_valid_before_utc, explicit.certificate.not_valid_after_utc) == (
        start,
        end,
    )


@pytest.mark.parametrize(
    ("moment", "year"),
    [(datetime(2025, 9, 1, tzinfo=UTC), 2025), (datetime(2026, 8, 31, 23, tzinfo=UTC), 2025)],
)
def test_school_year_turns_on_1_september(moment: datetime, year: int) -> None:
    assert school_year_start(moment) == year
    assert school_year_end(year) == datetime(year + 1, 8, 31, 23, 59, 59, tzinfo=UTC)


def test_certificate_never_outlives_its_issuing_ca(ca: CertificateAuthority) -> None:
    far = ca.issuing.certificate.not_valid_after_utc + timedelta(days=100)
    issued = ca.issue_with_new_key(uai="0310053P", editor="e", product="p", not_after=far)
    assert issued.certificate.not_valid_after_utc == ca.issuing.certificate.not_valid_after_utc


def test_serial_numbers_are_random_and_distinct(ca: CertificateAuthority) -> None:
    serials = {ca.issue_with_new_key(uai="0310053P", editor="e", product="p").certificate.serial_number}
    serials |= {ca.issue_with_new_key(uai="0310053P", editor="e", product="p").certificate.serial_number}
    assert len(serials) == 2
    assert all(serial.bit_length() > 64 for serial in serials)


@pytest.mark.parametrize(
    ("uai", "editor", "product", "code"),
    [
        ("0750001A", "index-education", "edt", "uai-invalide"),
        ("0310053P", "Index Education", "edt", "editeur-invalide"),
        ("0310053P", "index-education", "edt:pronote", "produit-invalide"),
    ],
)
def test_issuance_refuses_bad_identifiers(
    ca: CertificateAuthority, uai: str, editor: str, product: str, code: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        ca.issue_with_new_key(uai=uai, editor=editor, product=product)
    assert caught.value.code == code


def test_chain_verifies_with_cryptography(issued: x509.Certificate, ca: CertificateAuthority) -> None:
    issued.verify_directly_issued_by(ca.issuing.certificate)
    ca.issuing.certificate.verify_directly_issued_by(ca.root_certificate)
    ca.root_certificate.verify_directly_issued_by(ca.root_certificate)


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not on PATH")
def test_chain_verifies_with_openssl_as_a_tls_client_certificate(
    issued: x509.Certificate, ca: CertificateAuthority, tmp_path: Path
) -> None:
    (tmp_path / "root.pem").write_bytes(certificates_pem([ca.root_certificate]))
    (tmp_path / "issuing.pem").write_bytes(certificates_pem([ca.issuing.certificate]))
    (tmp_path / "leaf.pem").write_bytes(certificates_pem([issued]))
    command = ["openssl", "verify", "-x509_strict", "-purpose", "sslclient"]
    command += ["-attime", str(int(NOW.timestamp())), "-CAfile", "root.pem", "-untrusted", "issuing.pem"]
    result = subprocess.run([*command, "leaf.pem"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "leaf.pem: OK"
