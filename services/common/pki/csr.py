"""Checking an editor's certificate signing request before GIN-WEB signs it.

The certificate is always built from the binding the head of school asked for, never copied from the
CSR; the CSR only contributes its public key, so the key never leaves the editor's machine. A CSR is
refused when it cannot be trusted (bad signature, weak key) or when it names another school, editor or
product than the one requested: signing it anyway would hide a mix-up on the editor's side.
"""

from __future__ import annotations

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificatePublicKeyTypes
from cryptography.x509.oid import NameOID

from services.common.errors import InvalidInput
from services.common.pki.profile import EditorBinding

_ACCEPTED_CURVES = (ec.SECP256R1, ec.SECP384R1)
_MIN_RSA_BITS = 2048


class CsrRejected(InvalidInput):
    """The CSR cannot be signed; ``code`` says why."""

    default_code = "csr-invalide"
    default_title = "La demande de certificat (CSR) est invalide."


def accepted_public_key(csr_pem: bytes, binding: EditorBinding) -> CertificatePublicKeyTypes:
    """The CSR's public key once the CSR is proven sound and coherent with ``binding``."""
    csr = _load(csr_pem)
    if not csr.is_signature_valid:
        raise CsrRejected(
            "La signature de la demande de certificat est invalide.", code="csr-signature-invalide"
        )
    public_key = csr.public_key()
    _check_key(public_key)
    _check_subject(csr.subject, binding)
    _check_uris(csr, binding)
    return public_key


def _load(csr_pem: bytes) -> x509.CertificateSigningRequest:
    try:
        return x509.load_pem_x509_csr(csr_pem)
    except ValueError as error:
        raise CsrRejected(
            "La demande de certificat n'est pas un CSR PEM lisible.", code="csr-illisible"
        ) from error


def _check_key(public_key: CertificatePublicKeyTypes) -> None:
    if isinstance(public_key, ec.EllipticCurvePublicKey) and isinstance(public_key.curve, _ACCEPTED_CURVES):
        return
    if isinstance(public_key, rsa.RSAPublicKey) and public_key.key_size >= _MIN_RSA_BITS:
        return
    raise CsrRejected(
        "La clé de la demande est refusée : utilisez une clé EC P-256, P-384 ou RSA d'au moins 2048 bits.",
        code="csr-cle-refusee",
    )


def _check_subject(subject: x509.Name, binding: EditorBinding) -> None:
    expected = {
        NameOID.COUNTRY_NAME: "FR",
        NameOID.ORGANIZATION_NAME: binding.editor,
        NameOID.ORGANIZATIONAL_UNIT_NAME: binding.product,
        NameOID.COMMON_NAME: binding.uai,
    }
    # Attributes outside the profile (L, emailAddress…) are harmless: they are not copied.
    for attribute in subject:
        wanted = expected.get(attribute.oid)
        if wanted is not None and attribute.value != wanted:
            raise _incoherent(binding, f"le sujet contient {attribute.rfc4514_string()}")


def _check_uris(csr: x509.CertificateSigningRequest, binding: EditorBinding) -> None:
    try:
        san = csr.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return
    for uri in san.get_values_for_type(x509.UniformResourceIdentifier):
        if uri not in binding.uris():
            raise _incoherent(binding, f"le SAN contient {uri}")


def _incoherent(binding: EditorBinding, reason: str) -> CsrRejected:
    return CsrRejected(
        f"La demande de certificat ne correspond pas à l'établissement {binding.uai} "
        f"et au produit {binding.editor}/{binding.product} demandés.",
        code="csr-incoherent",
        detail=reason,
    )
