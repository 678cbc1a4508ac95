"""What an editor installs: PEM files or a password-protected PKCS#12 bundle, chain included."""

from __future__ import annotations

from collections.abc import Sequence

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12


def certificates_pem(certificates: Sequence[x509.Certificate]) -> bytes:
    """The certificates concatenated as PEM, in the given order (leaf first for a chain file)."""
    return b"".join(cert.public_bytes(serialization.Encoding.PEM) for cert in certificates)


def private_key_pem(key: ec.EllipticCurvePrivateKey, passphrase: bytes | None = None) -> bytes:
    """The key as PKCS#8 PEM, encrypted when a passphrase is given."""
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()
    )
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)


def load_private_key_pem(data: bytes, passphrase: bytes | None = None) -> ec.EllipticCurvePrivateKey:
    """An EC private key from PEM; any other key type is a configuration error."""
    key = serialization.load_pem_private_key(data, password=passphrase)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise TypeError(f"expected an EC private key, got {type(key).__name__}")
    return key


def pkcs12_bundle(
    certificate: x509.Certificate,
    key: ec.EllipticCurvePrivateKey,
    chain: Sequence[x509.Certificate],
    *,
    password: bytes,
    friendly_name: str,
) -> bytes:
    """A PKCS#12 file holding the key, its certificate and the CA chain, protected by ``password``."""
    if not password:
        raise ValueError("a PKCS#12 bundle holds a private key: a password is required")
    return pkcs12.serialize_key_and_certificates(
        friendly_name.encode(),
        key,
        certificate,
        list(chain),
        serialization.BestAvailableEncryption(password),
    )
