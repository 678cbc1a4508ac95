"""What an editor's software does with GIN-WEB: make a key and CSR, install what it gets back."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12

from services.common.pki import EditorBinding, certificates_pem, private_key_pem
from services.common.pki.issuance import new_key


@dataclass(frozen=True)
class Installed:
    cert: Path
    key: Path
    certificate: x509.Certificate


def make_csr(uai: str, editor: str, product: str) -> tuple[ec.EllipticCurvePrivateKey, bytes]:
    key = new_key()
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(EditorBinding(uai, editor, product).subject())
        .sign(key, hashes.SHA256())
    )
    return key, csr.public_bytes(serialization.Encoding.PEM)


def install_pem(folder: Path, name: str, chain_pem: bytes, key: ec.EllipticCurvePrivateKey) -> Installed:
    (folder / f"{name}.crt.pem").write_bytes(chain_pem)
    (folder / f"{name}.key.pem").write_bytes(private_key_pem(key))
    leaf = x509.load_pem_x509_certificates(chain_pem)[0]
    return Installed(folder / f"{name}.crt.pem", folder / f"{name}.key.pem", leaf)


def install_pkcs12(folder: Path, name: str, bundle: bytes, password: str) -> Installed:
    opened = pkcs12.load_pkcs12(bundle, password.encode())
    assert opened.cert is not None
    assert opened.key is not None
    key = opened.key
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    chain = [opened.cert.certificate, *(extra.certificate for extra in opened.additional_certs[:1])]
    return install_pem(folder, name, certificates_pem(chain), key)
