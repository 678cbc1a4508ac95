"""The certificate authority GIN-WEB runs: a root CA and the issuing CA below it."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from services.common.pki import crl, csr, issuance
from services.common.pki.export import certificates_pem, load_private_key_pem, private_key_pem
from services.common.pki.files import write_private, write_public
from services.common.pki.issuance import IPAddress, Issuer
from services.common.pki.profile import DEFAULT_VALIDITY_MARGIN, editor_validity, validated_binding

ROOT_CERT_FILE = "root-ca.pem"
ROOT_KEY_FILE = "root-ca.key.pem"
ISSUING_CERT_FILE = "issuing-ca.pem"
ISSUING_KEY_FILE = "issuing-ca.key.pem"
CHAIN_FILE = "ca-chain.pem"
"""Issuing CA then root, the file servers load to trust editor certificates."""


@dataclass(frozen=True)
class IssuedCertificate:
    """A certificate, the key generated for it, and the CA chain above it (issuing CA first)."""

    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey
    chain: tuple[x509.Certificate, ...]


@dataclass(frozen=True)
class CertificateAuthority:
    """Root and issuing CA. ``root_key`` may be None: day-to-day issuance only needs the issuing key,
    and a production root key stays offline."""

    root_certificate: x509.Certificate
    root_key: ec.EllipticCurvePrivateKey | None
    issuing: Issuer

    @classmethod
    def generate(cls, *, name: str = "NetSynchro", now: datetime | None = None) -> CertificateAuthority:
        """A new root (about 10 years, path length 1) and issuing CA (about 5 years, path length 0)."""
        now = now or datetime.now(UTC)
        root_key, issuing_key = issuance.new_key(), issuance.new_key()
        root_cert = issuance.root_certificate(root_key, issuance.ca_name(f"{name} Root CA"), now=now)
        issuing_name = issuance.ca_name(f"{name} Issuing CA")
        issuing_cert = issuance.issuing_certificate(
            Issuer(root_cert, root_key), issuing_key, issuing_name, now=now
        )
        return cls(root_cert, root_key, Issuer(issuing_cert, issuing_key))

    @classmethod
    def exists(cls, folder: Path) -> bool:
        """True when ``folder`` holds the files :meth:`load` needs."""
        return all(
            (folder / name).is_file() for name in (ROOT_CERT_FILE, ISSUING_CERT_FILE, ISSUING_KEY_FILE)
        )

    @classmethod
    def load(cls, folder: Path, *, passphrase: bytes | None = None) -> CertificateAuthority:
        """The CA saved in ``folder`` by :meth:`save`; the root key is optional."""
        root_key_path = folder / ROOT_KEY_FILE
        root_key = (
            load_private_key_pem(root_key_path.read_bytes(), passphrase) if root_key_path.exists() else None
        )
        issuing = Issuer(
            x509.load_pem_x509_certificate((folder / ISSUING_CERT_FILE).read_bytes()),
            load_private_key_pem((folder / ISSUING_KEY_FILE).read_bytes(), passphrase),
        )
        return cls(x509.load_pem_x509_certificate((folder / ROOT_CERT_FILE).read_bytes()), root_key, issuing)

    def save(self, folder: Path, *, passphrase: bytes | None = None) -> None:
        """Write certificates (0644) and keys (0600, encrypted when ``passphrase`` is given) to ``folder``."""
        write_public(folder / ROOT_CERT_FILE, certificates_pem([self.root_certificate]))
        write_public(folder / ISSUING_CERT_FILE, certificates_pem([self.issuing.certificate]))
        write_public(folder / CHAIN_FILE, certificates_pem(self.chain))
        write_private(folder / ISSUING_KEY_FILE, private_key_pem(self.issuing.key, passphrase))
        if self.root_key is not None:
            write_private(folder / ROOT_KEY_FILE, private_key_pem(self.root_key, passphrase))

    @property
    def chain(self) -> tuple[x509.Certificate, ...]:
        """Issuing CA then root: what follows a leaf in a chain file or PKCS#12 bundle."""
        return (self.issuing.certificate, self.root_certificate)

    def issue_server_certificate(
        self,
        *,
        dns_names: Sequence[str] = ("localhost",),
        ip_addresses: Sequence[IPAddress] = (ipaddress.IPv4Address("127.0.0.1"),),
        now: datetime | None = None,
    ) -> IssuedCertificate:
        """A TLS server certificate for the gateway, with a new key."""
        key = issuance.new_key()
        cert = issuance.server_certificate(
            self.issuing, key.public_key(), dns_names=dns_names, ip_addresses=ip_addresses, now=now or _now()
        )
        return IssuedCertificate(cert, key, self.chain)

    def issue_from_csr(
        self,
        csr_pem: bytes,
        *,
        uai: str,
        editor: str,
        product: str,
        now: datetime | None = None,
        margin: timedelta = DEFAULT_VALIDITY_MARGIN,
        not_before: datetime | None = None,
        not_after: datetime | None = None,
    ) -> x509.Certificate:
        """An editor certificate for the key in ``csr_pem``.

        Raises :class:`~services.common.pki.csr.CsrRejected` (``csr-incoherent`` when the CSR names another
        school, editor or product; ``csr-signature-invalide``, ``csr-illisible``, ``csr-cle-refusee``) and
        :class:`~services.common.errors.InvalidInput` for a bad UAI or id. Validity defaults to now until
        31 August ending the current school year plus ``margin``; ``not_before``/``not_after`` override it.
        """
        binding = validated_binding(uai, editor, product)
        public_key = csr.accepted_public_key(csr_pem, binding)
        start, end = _validity(now, margin, not_before, not_after)
        return issuance.editor_certificate(self.issuing, public_key, binding, not_before=start, not_after=end)

    def issue_with_new_key(
        self,
        *,
        uai: str,
        editor: str,
        product: str,
        now: datetime | None = None,
        margin: timedelta = DEFAULT_VALIDITY_MARGIN,
        not_before: datetime | None = None,
        not_after: datetime | None = None,
    ) -> IssuedCertificate:
        """An editor certificate with a key generated here, for the PKCS#12 download; same rules as
        :meth:`issue_from_csr`."""
        binding = validated_binding(uai, editor, product)
        key = issuance.new_key()
        start, end = _validity(now, margin, not_before, not_after)
        cert = issuance.editor_certificate(
            self.issuing, key.public_key(), binding, not_before=start, not_after=end
        )
        return IssuedCertificate(cert, key, self.chain)

    def build_crl(
        self,
        revoked: Iterable[crl.RevokedEntry],
        *,
        now: datetime | None = None,
        next_update: timedelta = crl.DEFAULT_NEXT_UPDATE,
        number: int | None = None,
    ) -> x509.CertificateRevocationList:
        """A CRL signed by the issuing CA. ``number`` defaults to the time in milliseconds, which grows
        from one CRL to the next without a stored counter."""
        now = now or _now()
        number = int(now.timestamp() * 1000) if number is None else number
        return crl.build_crl(self.issuing, revoked, now=now, number=number, next_update=next_update)


def _now() -> datetime:
    return datetime.now(UTC)


def _validity(
    now: datetime | None, margin: timedelta, not_before: datetime | None, not_after: datetime | None
) -> tuple[datetime, datetime]:
    default_start, default_end = editor_validity(now or _now(), margin=margin)
    return not_before or default_start, not_after or default_end
