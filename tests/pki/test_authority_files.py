"""CertificateAuthority.save and load: PEM files, permissions, passphrase."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography import x509

from services.common.pki import CertificateAuthority
from services.common.pki.authority import CHAIN_FILE, ISSUING_KEY_FILE, ROOT_KEY_FILE


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_save_then_load_gives_the_same_authority(ca: CertificateAuthority, tmp_path: Path) -> None:
    ca.save(tmp_path, passphrase=b"phrase")

    loaded = CertificateAuthority.load(tmp_path, passphrase=b"phrase")

    assert loaded.root_certificate == ca.root_certificate
    assert loaded.issuing.certificate == ca.issuing.certificate
    assert loaded.issuing.key.private_numbers() == ca.issuing.key.private_numbers()
    assert loaded.root_key is not None
    assert (tmp_path / CHAIN_FILE).read_bytes().count(b"BEGIN CERTIFICATE") == 2


def test_keys_are_private_and_encrypted_when_a_passphrase_is_given(
    ca: CertificateAuthority, tmp_path: Path
) -> None:
    ca.save(tmp_path, passphrase=b"phrase")
    for name in (ROOT_KEY_FILE, ISSUING_KEY_FILE):
        assert mode(tmp_path / name) == 0o600
        assert b"ENCRYPTED PRIVATE KEY" in (tmp_path / name).read_bytes()
    assert mode(tmp_path / CHAIN_FILE) == 0o644
    with pytest.raises(TypeError):
        CertificateAuthority.load(tmp_path)


def test_issuing_works_without_the_root_key(ca: CertificateAuthority, tmp_path: Path) -> None:
    ca.save(tmp_path)
    (tmp_path / ROOT_KEY_FILE).unlink()

    loaded = CertificateAuthority.load(tmp_path)

    assert loaded.root_key is None
    assert CertificateAuthority.exists(tmp_path)
    issued = loaded.issue_with_new_key(uai="0750702F", editor="index-education", product="pronote")
    issued.certificate.verify_directly_issued_by(ca.issuing.certificate)


def test_root_constrains_one_ca_level_and_the_issuing_ca_none(ca: CertificateAuthority) -> None:
    root_constraints = ca.root_certificate.extensions.get_extension_for_class(x509.BasicConstraints)
    issuing_constraints = ca.issuing.certificate.extensions.get_extension_for_class(x509.BasicConstraints)
    assert root_constraints.critical
    assert (root_constraints.value.ca, root_constraints.value.path_length) == (True, 1)
    assert (issuing_constraints.value.ca, issuing_constraints.value.path_length) == (True, 0)
    usage = ca.issuing.certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.key_cert_sign
    assert usage.crl_sign
    lifetime = ca.issuing.certificate.not_valid_after_utc - ca.issuing.certificate.not_valid_before_utc
    assert 5 * 365 <= lifetime.days <= 5 * 366
