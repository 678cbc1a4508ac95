"""A test PKI written to a folder: the platform's CA, the gateway's certificate, and editor certificates
(good ones and every kind of bad one), built at test time with the production CA code."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from services.common.pki import CertificateAuthority, IssuedCertificate, certificates_pem, private_key_pem
from services.common.pki.files import write_private, write_public
from services.common.pki.issuance import new_key

SCHOOL_A = "0310053P"
SCHOOL_B = "0332490C"
EDITOR = "index-education"


@dataclass(frozen=True)
class ClientFiles:
    cert: Path
    key: Path
    certificate: x509.Certificate


@dataclass
class TestPki:
    __test__ = False  # not a pytest test class, despite its name
    folder: Path
    ca: CertificateAuthority
    clients: dict[str, ClientFiles] = field(default_factory=dict)

    @property
    def root(self) -> Path:
        return self.folder / "root-ca.pem"

    @property
    def chain(self) -> Path:
        return self.folder / "ca-chain.pem"

    def write_client(self, name: str, issued: IssuedCertificate) -> ClientFiles:
        cert_path, key_path = self.folder / f"{name}.crt.pem", self.folder / f"{name}.key.pem"
        write_public(cert_path, certificates_pem([issued.certificate, *issued.chain[:1]]))
        write_private(key_path, private_key_pem(issued.key))
        self.clients[name] = ClientFiles(cert_path, key_path, issued.certificate)
        return self.clients[name]

    def issue(self, name: str, uai: str, product: str, **validity: datetime) -> ClientFiles:
        issued = self.ca.issue_with_new_key(uai=uai, editor=EDITOR, product=product, **validity)  # type: ignore[arg-type]
        return self.write_client(name, issued)


def build_test_pki(folder: Path) -> TestPki:
    folder.mkdir(parents=True, exist_ok=True)
    ca = CertificateAuthority.generate(name="NetSynchro Test")
    ca.save(folder)
    pki = TestPki(folder, ca)
    server = ca.issue_server_certificate()
    write_public(folder / "gateway.crt.pem", certificates_pem([server.certificate, *server.chain[:1]]))
    write_private(folder / "gateway.key.pem", private_key_pem(server.key))
    pki.issue("school-a-edt", SCHOOL_A, "edt")
    pki.issue("school-a-pronote", SCHOOL_A, "pronote")
    pki.issue("school-b-pronote", SCHOOL_B, "pronote")
    now = datetime.now(UTC)
    pki.issue(
        "expired", SCHOOL_A, "edt", not_before=now - timedelta(days=400), not_after=now - timedelta(days=1)
    )
    foreign = CertificateAuthority.generate(name="Autorite Etrangere")
    pki.write_client("foreign", foreign.issue_with_new_key(uai=SCHOOL_A, editor=EDITOR, product="edt"))
    pki.write_client("cn-san-mismatch", _mismatched(ca, cn_uai=SCHOOL_A, san_uai=SCHOOL_B))
    return pki


def _mismatched(ca: CertificateAuthority, *, cn_uai: str, san_uai: str) -> IssuedCertificate:
    """Signed by our own CA, so only the profile check can catch it."""
    key = new_key()
    now = datetime.now(UTC)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, EDITOR),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "edt"),
            x509.NameAttribute(NameOID.COMMON_NAME, cn_uai),
        ]
    )
    san = x509.SubjectAlternativeName(
        [
            x509.UniformResourceIdentifier(f"urn:netsynchro:uai:{san_uai}"),
            x509.UniformResourceIdentifier(f"urn:netsynchro:editeur:{EDITOR}:produit:edt"),
        ]
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca.issuing.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(san, critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.issuing.certificate.public_key()),  # type: ignore[arg-type]
            critical=False,
        )
        .sign(ca.issuing.key, hashes.SHA256())
    )
    return IssuedCertificate(certificate, key, ca.chain)
