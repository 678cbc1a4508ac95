"""Loading the school's certificate (PKCS#12 as GIN-WEB delivers it, or PEM) into a TLS context."""

from __future__ import annotations

import os
import ssl
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, pkcs12


@dataclass(frozen=True)
class Certificate:
    """A client certificate, its key and the CA certificates above it, all in PEM."""

    certificate_pem: bytes
    key_pem: bytes
    chain_pem: bytes = b""

    @classmethod
    def from_pkcs12(cls, path: Path | str, password: str | bytes | None) -> Certificate:
        secret = password.encode() if isinstance(password, str) else password
        key, cert, chain = pkcs12.load_key_and_certificates(Path(path).read_bytes(), secret)
        if key is None or cert is None:
            raise ValueError(f"{path}: le fichier PKCS#12 ne contient pas de certificat et de clé")
        key_pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
        return cls(
            cert.public_bytes(Encoding.PEM), key_pem, b"".join(c.public_bytes(Encoding.PEM) for c in chain)
        )

    @classmethod
    def from_pem(cls, certificate: Path | str, key: Path | str) -> Certificate:
        return cls(Path(certificate).read_bytes(), Path(key).read_bytes())

    @property
    def x509(self) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self.certificate_pem)

    @property
    def not_after(self) -> datetime:
        return self.x509.not_valid_after_utc

    def ssl_context(self, ca_file: Path | str | None = None) -> ssl.SSLContext:
        """A client context presenting this certificate; trusts ``ca_file`` or the system's CAs."""
        context = ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        # ssl loads keys from files only: write them to a private folder just for the call.
        with tempfile.TemporaryDirectory(prefix="netsynchro-") as folder:
            cert_path, key_path = Path(folder) / "cert.pem", Path(folder) / "key.pem"
            cert_path.write_bytes(self.certificate_pem + self.chain_pem)
            descriptor = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as key_file:
                key_file.write(self.key_pem)
            context.load_cert_chain(cert_path, key_path)
        return context
