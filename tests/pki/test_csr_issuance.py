"""CertificateAuthority.issue_from_csr: the editor keeps its key, GIN-WEB refuses incoherent requests."""

from __future__ import annotations

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from services.common.pki import CertificateAuthority, CsrRejected
from services.common.pki.issuance import new_key
from tests.pki.support import NOW, uris_of


def make_csr(
    subject: str = "C=FR,O=index-education,OU=edt,CN=0310053P",
    uris: tuple[str, ...] = (),
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey | None = None,
) -> bytes:
    builder = x509.CertificateSigningRequestBuilder().subject_name(x509.Name.from_rfc4514_string(subject))
    if uris:
        names = [x509.UniformResourceIdentifier(uri) for uri in uris]
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    return builder.sign(key or new_key(), hashes.SHA256()).public_bytes(serialization.Encoding.PEM)


def issue(ca: CertificateAuthority, csr_pem: bytes, uai: str = "0310053P") -> x509.Certificate:
    return ca.issue_from_csr(csr_pem, uai=uai, editor="index-education", product="edt", now=NOW)


def rejection_code(ca: CertificateAuthority, csr_pem: bytes, uai: str = "0310053P") -> str:
    with pytest.raises(CsrRejected) as caught:
        issue(ca, csr_pem, uai)
    assert caught.value.status == 400
    return caught.value.code


def test_certificate_carries_the_csr_key_and_the_requested_profile(ca: CertificateAuthority) -> None:
    key = new_key()
    csr_pem = make_csr(uris=("urn:netsynchro:uai:0310053P",), key=key)

    cert = issue(ca, csr_pem)

    assert cert.public_key() == key.public_key()
    assert cert.subject.rfc4514_string() == "CN=0310053P,OU=edt,O=index-education,C=FR"
    assert uris_of(cert)[1] == "urn:netsynchro:editeur:index-education:produit:edt"
    cert.verify_directly_issued_by(ca.issuing.certificate)


def test_csr_with_an_empty_subject_gets_the_profile_subject(ca: CertificateAuthority) -> None:
    cert = issue(ca, make_csr(subject=""))
    assert cert.subject.rfc4514_string() == "CN=0310053P,OU=edt,O=index-education,C=FR"


def test_rsa_2048_csr_is_accepted(ca: CertificateAuthority) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert issue(ca, make_csr(key=key)).public_key() == key.public_key()


@pytest.mark.parametrize(
    ("subject", "uris"),
    [
        pytest.param("CN=0332490C", (), id="cn-of-another-school"),
        pytest.param("O=autre-editeur,CN=0310053P", (), id="another-editor"),
        pytest.param("OU=pronote,CN=0310053P", (), id="another-product"),
        pytest.param("C=BE,CN=0310053P", (), id="another-country"),
        pytest.param("CN=0310053P", ("urn:netsynchro:uai:0332490C",), id="san-of-another-school"),
        pytest.param(
            "CN=0310053P",
            ("urn:netsynchro:editeur:index-education:produit:pronote",),
            id="san-of-another-product",
        ),
    ],
)
def test_csr_naming_another_school_or_product_is_refused(
    ca: CertificateAuthority, subject: str, uris: tuple[str, ...]
) -> None:
    assert rejection_code(ca, make_csr(subject=subject, uris=uris)) == "csr-incoherent"


def test_coherent_csr_is_refused_when_the_request_names_another_school(ca: CertificateAuthority) -> None:
    assert rejection_code(ca, make_csr(), uai="0332490C") == "csr-incoherent"


def test_csr_with_a_bad_signature_is_refused(ca: CertificateAuthority) -> None:
    der = bytearray(x509.load_pem_x509_csr(make_csr()).public_bytes(serialization.Encoding.DER))
    der[-1] ^= 0x01  # flip a bit of the signature, keep the structure parsable
    tampered = x509.load_der_x509_csr(bytes(der)).public_bytes(serialization.Encoding.PEM)
    assert rejection_code(ca, tampered) == "csr-signature-invalide"


def test_unreadable_csr_is_refused(ca: CertificateAuthority) -> None:
    assert rejection_code(ca, b"-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n") == "csr-illisible"


def test_weak_key_is_refused(ca: CertificateAuthority) -> None:
    weak = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    assert rejection_code(ca, make_csr(key=weak)) == "csr-cle-refusee"
