"""Who is calling: the editor identity carried by a client certificate.

Both ways a certificate reaches the gateway (the embedded mTLS server, or a header set by the trusted
proxy) end here, so the checks and their error codes are the same. Every refusal is an
:class:`~services.common.errors.AuthenticationFailed` (401) with one of these stable codes:

- ``certificat-absent``: no certificate was presented;
- ``certificat-illisible``: the bytes are not a DER certificate;
- ``certificat-expire`` / ``certificat-pas-encore-valide``: now is outside notBefore..notAfter;
- ``certificat-usage-invalide``: no clientAuth extended key usage, or a CA certificate;
- ``certificat-incoherent``: SAN missing, or subject and SAN name different schools or products;
- ``uai-invalide``: the UAI's check letter is wrong;
- ``certificat-autorite-inconnue``: not signed by our issuing CA (:func:`verify_chain`);
- ``autorite-expiree``: our own CA certificate is outside its validity (:func:`verify_chain`).

Revocation, accreditation and the UAI of the URL are checked by the gateway after this.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from services.common.errors import AuthenticationFailed
from services.common.formats.identifiers import is_valid_uai
from services.common.pki.profile import parse_product_uri, parse_uai_uri

_ExtensionT = TypeVar("_ExtensionT", bound=x509.ExtensionType)


@dataclass(frozen=True)
class EditorIdentity:
    """One school (UAI) and one accredited editor product, as proven by a verified certificate."""

    uai: str
    editor: str
    product: str
    serial: int
    not_before: datetime
    not_after: datetime
    subject: str

    @property
    def serial_hex(self) -> str:
        """The serial as :func:`serial_hex` writes it."""
        return serial_hex(self.serial)


@dataclass(frozen=True)
class PresentedCertificate:
    """What a certificate whose chain was verified says, before its dates, usage, profile, revocation or
    school are checked: so that a refused request is journaled with the serial, editor, product and
    school of the certificate used (the revoked-certificate alert and the school's page need them)."""

    serial_hex: str
    not_after: datetime
    uai: str | None
    editor: str | None
    product: str | None


def presented_certificate(certificate: x509.Certificate | bytes | None) -> PresentedCertificate | None:
    """The certificate's own words (None when it cannot be read at all); never raises."""
    try:
        cert = _parse(certificate)
    except AuthenticationFailed:
        return None
    names = [_first_attribute(cert, oid) for oid in (NameOID.COMMON_NAME, NameOID.ORGANIZATION_NAME)]
    return PresentedCertificate(
        serial_hex=serial_hex(cert.serial_number),
        not_after=cert.not_valid_after_utc,
        uai=names[0],
        editor=names[1],
        product=_first_attribute(cert, NameOID.ORGANIZATIONAL_UNIT_NAME),
    )


def _first_attribute(cert: x509.Certificate, oid: x509.ObjectIdentifier) -> str | None:
    values = [attribute.value for attribute in cert.subject.get_attributes_for_oid(oid)]
    return values[0] if values and isinstance(values[0], str) else None


def serial_hex(serial: int) -> str:
    """Upper-case hex in whole bytes, as OpenSSL and nginx's ``$ssl_client_serial`` print a serial."""
    digits = f"{serial:X}"
    return digits if len(digits) % 2 == 0 else "0" + digits


def identity_from_certificate(
    certificate: x509.Certificate | bytes | None, *, now: datetime
) -> EditorIdentity:
    """The identity in an editor certificate whose chain was already verified (by TLS or
    :func:`verify_chain`); checks dates, usage and the profile. ``now`` must be timezone-aware."""
    cert = _parse(certificate)
    _check_dates(cert, now)
    _check_usage(cert)
    uai, editor, product = _bound_names(cert)
    if not is_valid_uai(uai):
        raise AuthenticationFailed(f"L'UAI « {uai} » du certificat est invalide.", code="uai-invalide")
    return EditorIdentity(
        uai=uai,
        editor=editor,
        product=product,
        serial=cert.serial_number,
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        subject=cert.subject.rfc4514_string(),
    )


def verify_chain(
    certificate: x509.Certificate,
    issuing_ca: x509.Certificate,
    root: x509.Certificate,
    *,
    now: datetime | None = None,
) -> None:
    """Check that ``certificate`` was signed by ``issuing_ca``, itself signed by ``root``.

    For the proxy mode and for application-level checks. With ``now``, also check that both CA
    certificates are within their validity (the TLS layer skips this with ``dates_checked_by_app``).
    """
    try:
        issuing_ca.verify_directly_issued_by(root)
        certificate.verify_directly_issued_by(issuing_ca)
    except (ValueError, TypeError, InvalidSignature) as error:
        raise AuthenticationFailed(
            "Le certificat n'a pas été délivré par l'autorité de la plateforme.",
            code="certificat-autorite-inconnue",
        ) from error
    if now is not None:
        for ca in (issuing_ca, root):
            if not ca.not_valid_before_utc <= now <= ca.not_valid_after_utc:
                raise AuthenticationFailed(
                    "L'autorité de certification de la plateforme n'est plus valide.", code="autorite-expiree"
                )


def _parse(certificate: x509.Certificate | bytes | None) -> x509.Certificate:
    if not certificate:
        raise AuthenticationFailed(
            "Aucun certificat client n'a été présenté : installez le certificat délivré par GIN-WEB.",
            code="certificat-absent",
        )
    if isinstance(certificate, x509.Certificate):
        return certificate
    try:
        return x509.load_der_x509_certificate(certificate)
    except ValueError as error:
        raise AuthenticationFailed(
            "Le certificat client est illisible.", code="certificat-illisible"
        ) from error


def _check_dates(cert: x509.Certificate, now: datetime) -> None:
    if now > cert.not_valid_after_utc:
        raise AuthenticationFailed(
            "Le certificat client a expiré : demandez-en un nouveau sur GIN-WEB.", code="certificat-expire"
        )
    if now < cert.not_valid_before_utc:
        raise AuthenticationFailed(
            "Le certificat client n'est pas encore valide.", code="certificat-pas-encore-valide"
        )


def _check_usage(cert: x509.Certificate) -> None:
    usages = _extension(cert, x509.ExtendedKeyUsage)
    constraints = _extension(cert, x509.BasicConstraints)
    is_client = usages is not None and ExtendedKeyUsageOID.CLIENT_AUTH in usages
    if not is_client or (constraints is not None and constraints.ca):
        raise AuthenticationFailed(
            "Ce certificat n'est pas un certificat d'authentification client.",
            code="certificat-usage-invalide",
        )


def _extension(cert: x509.Certificate, kind: type[_ExtensionT]) -> _ExtensionT | None:
    try:
        return cert.extensions.get_extension_for_class(kind).value
    except x509.ExtensionNotFound:
        return None


def _bound_names(cert: x509.Certificate) -> tuple[str, str, str]:
    """(UAI, editor, product) when the subject and the SAN URIs agree."""
    uris = _san_uris(cert)
    uais = {uai for uri in uris if (uai := parse_uai_uri(uri)) is not None}
    products = {pair for uri in uris if (pair := parse_product_uri(uri)) is not None}
    subject = (  # CN, O, OU
        _single_attribute(cert, NameOID.COMMON_NAME),
        _single_attribute(cert, NameOID.ORGANIZATION_NAME),
        _single_attribute(cert, NameOID.ORGANIZATIONAL_UNIT_NAME),
    )
    if len(uais) != 1 or len(products) != 1:
        raise _incoherent()
    uai, (editor, product) = uais.pop(), products.pop()
    if subject != (uai, editor, product):
        raise _incoherent()
    return uai, editor, product


def _san_uris(cert: x509.Certificate) -> list[str]:
    san = _extension(cert, x509.SubjectAlternativeName)
    if san is None:
        raise _incoherent()
    return san.get_values_for_type(x509.UniformResourceIdentifier)


def _single_attribute(cert: x509.Certificate, oid: x509.ObjectIdentifier) -> str:
    values = [attribute.value for attribute in cert.subject.get_attributes_for_oid(oid)]
    if len(values) != 1 or not isinstance(values[0], str):
        raise _incoherent()
    return values[0]


def _incoherent() -> AuthenticationFailed:
    return AuthenticationFailed(
        "Le certificat ne désigne pas un établissement et un produit de façon cohérente.",
        code="certificat-incoherent",
    )
