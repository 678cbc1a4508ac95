"""Certificate builders: root CA, issuing CA, the gateway's server certificate, editor certificates.

Every certificate gets a fresh ``x509.random_serial_number()`` (159 random bits): two equal serials are
out of reach for any realistic issuance volume, and GIN-WEB's certificate table keeps a unique index on
the serial as a last line of defence.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.types import CertificatePublicKeyTypes
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from services.common.pki.profile import EditorBinding

ROOT_LIFETIME = timedelta(days=3653)
ISSUING_LIFETIME = timedelta(days=1826)
SERVER_LIFETIME = timedelta(days=397)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Issuer:
    """A CA certificate and the key that signs with it."""

    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey


def new_key() -> ec.EllipticCurvePrivateKey:
    """A fresh EC P-256 key, the curve every TLS stack and the Windows certificate store accept."""
    return ec.generate_private_key(ec.SECP256R1())


def ca_name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "NetSynchro"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def root_certificate(key: ec.EllipticCurvePrivateKey, name: x509.Name, *, now: datetime) -> x509.Certificate:
    """A self-signed root that may sign one level of CA below it (path length 1)."""
    builder = _base(name, name, key.public_key(), now, now + ROOT_LIFETIME)
    builder = _with_ca_extensions(builder, path_length=1)
    # Self-signed: the AKI names the root's own key, which strict verifiers prefer to find.
    builder = builder.add_extension(
        x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()), critical=False
    )
    return builder.sign(key, hashes.SHA256())


def issuing_certificate(
    root: Issuer, key: ec.EllipticCurvePrivateKey, name: x509.Name, *, now: datetime
) -> x509.Certificate:
    """The issuing CA: signs end-entity certificates and CRLs only (path length 0)."""
    builder = _base(name, root.certificate.subject, key.public_key(), now, now + ISSUING_LIFETIME)
    return _sign(_with_ca_extensions(builder, path_length=0), root)


def server_certificate(
    issuer: Issuer,
    public_key: CertificatePublicKeyTypes,
    *,
    dns_names: Sequence[str],
    ip_addresses: Sequence[IPAddress],
    now: datetime,
) -> x509.Certificate:
    """A TLS server certificate (EKU serverAuth) for the gateway."""
    names: list[x509.GeneralName] = [x509.DNSName(name) for name in dns_names]
    names += [x509.IPAddress(address) for address in ip_addresses]
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, dns_names[0] if dns_names else "gateway")])
    not_after = _within_issuer(issuer, now + SERVER_LIFETIME)
    builder = _base(subject, issuer.certificate.subject, public_key, now, not_after)
    builder = _with_end_entity_extensions(builder, ExtendedKeyUsageOID.SERVER_AUTH)
    builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    return _sign(builder, issuer)


def editor_certificate(
    issuer: Issuer,
    public_key: CertificatePublicKeyTypes,
    binding: EditorBinding,
    *,
    not_before: datetime,
    not_after: datetime,
) -> x509.Certificate:
    """An editor client certificate following :mod:`.profile`."""
    uris: list[x509.GeneralName] = [x509.UniformResourceIdentifier(uri) for uri in binding.uris()]
    not_after = _within_issuer(issuer, not_after)
    builder = _base(binding.subject(), issuer.certificate.subject, public_key, not_before, not_after)
    builder = _with_end_entity_extensions(builder, ExtendedKeyUsageOID.CLIENT_AUTH)
    builder = builder.add_extension(x509.SubjectAlternativeName(uris), critical=False)
    return _sign(builder, issuer)


def _within_issuer(issuer: Issuer, not_after: datetime) -> datetime:
    # Verifiers reject a chain once any CA in it expires, so a longer leaf would only mislead its holder.
    return min(not_after, issuer.certificate.not_valid_after_utc)


def _base(
    subject: x509.Name,
    issuer_name: x509.Name,
    public_key: CertificatePublicKeyTypes,
    not_before: datetime,
    not_after: datetime,
) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )


def _with_ca_extensions(builder: x509.CertificateBuilder, *, path_length: int) -> x509.CertificateBuilder:
    usage = _key_usage(key_cert_sign=True, crl_sign=True)
    return builder.add_extension(
        x509.BasicConstraints(ca=True, path_length=path_length), critical=True
    ).add_extension(usage, critical=True)


def _with_end_entity_extensions(
    builder: x509.CertificateBuilder, purpose: x509.ObjectIdentifier
) -> x509.CertificateBuilder:
    return (
        builder.add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(digital_signature=True), critical=True)
        .add_extension(x509.ExtendedKeyUsage([purpose]), critical=False)
    )


def _key_usage(
    *, digital_signature: bool = False, key_cert_sign: bool = False, crl_sign: bool = False
) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=digital_signature,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=key_cert_sign,
        crl_sign=crl_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _sign(builder: x509.CertificateBuilder, issuer: Issuer) -> x509.Certificate:
    aki = x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(
        issuer.certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    )
    return builder.add_extension(aki, critical=False).sign(issuer.key, hashes.SHA256())
