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

from netsynchro.errors import CertificateError


def _read(path: Path | str, what: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError as error:
        raise CertificateError(f"{path} : {what} introuvable.") from error
    except OSError as error:
        raise CertificateError(f"{path} : {what} illisible ({error.strerror}).") from error


@dataclass(frozen=True)
class Certificate:
    """A client certificate, its key and the CA certificates above it, all in PEM."""

    certificate_pem: bytes
    key_pem: bytes
    chain_pem: bytes = b""

    @classmethod
    def from_pkcs12(cls, path: Path | str, password: str | bytes | None) -> Certificate:
        secret = password.encode() if isinstance(password, str) else password
        data = _read(path, "certificat PKCS#12")
        try:
            key, cert, chain = pkcs12.load_key_and_certificates(data, secret)
        except ValueError as error:
            hint = (
                "indiquez-le avec --password ou NETSYNCHRO_P12_PASSWORD" if secret is None else "vérifiez-le"
            )
            raise CertificateError(
                f"{path} : mot de passe du PKCS#12 incorrect, ou fichier qui n'est pas un PKCS#12 ({hint})."
            ) from error
        if key is None or cert is None:
            raise CertificateError(f"{path} : le fichier PKCS#12 ne contient pas de certificat et de clé.")
        key_pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
        return cls(
            cert.public_bytes(Encoding.PEM), key_pem, b"".join(c.public_bytes(Encoding.PEM) for c in chain)
        )

    @classmethod
    def from_pem(cls, certificate: Path | str, key: Path | str) -> Certificate:
        return cls(_read(certificate, "certificat PEM"), _read(key, "clé PEM"))

    @property
    def x509(self) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self.certificate_pem)

    @property
    def not_after(self) -> datetime:
        return self.x509.not_valid_after_utc

    def ssl_context(self, ca_file: Path | str | None = None) -> ssl.SSLContext:
        """A client context presenting this certificate; trusts ``ca_file`` or the system's CAs."""
        try:
            context = ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
        except (OSError, ssl.SSLError) as error:
            raise CertificateError(f"{ca_file} : autorité racine introuvable ou illisible.") from error
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        # ssl loads keys from files only: write them to a private folder just for the call.
        with tempfile.TemporaryDirectory(prefix="netsynchro-") as folder:
            cert_path, key_path = Path(folder) / "cert.pem", Path(folder) / "key.pem"
            cert_path.write_bytes(self.certificate_pem + self.chain_pem)
            descriptor = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as key_file:
                key_file.write(self.key_pem)
            try:
                context.load_cert_chain(cert_path, key_path)
            except ssl.SSLError as error:
                raise CertificateError(
                    "Le certificat et la clé ne vont pas ensemble, ou ne sont pas en PEM."
                ) from error
        return context
