"""Test helpers shared by the PKI tests (fixtures live in conftest.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509

from services.common.pki import IssuedCertificate, certificates_pem, private_key_pem
from services.common.pki.files import write_private, write_public

NOW = datetime(2025, 10, 6, 9, 30, tzinfo=UTC)
"""A Monday of school year 2025/2026, so date expectations do not depend on the day the tests run."""


def write_pair(folder: Path, name: str, issued: IssuedCertificate) -> tuple[Path, Path]:
    """Write ``name.crt.pem`` (leaf then issuing CA, as servers and curl expect) and ``name.key.pem``."""
    cert_path, key_path = folder / f"{name}.crt.pem", folder / f"{name}.key.pem"
    write_public(cert_path, certificates_pem([issued.certificate, issued.chain[0]]))
    write_private(key_path, private_key_pem(issued.key))
    return cert_path, key_path


def uris_of(cert: x509.Certificate) -> list[str]:
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return san.get_values_for_type(x509.UniformResourceIdentifier)
