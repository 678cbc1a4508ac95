"""Hostile input on the portal's forms and the CSR upload: bad encodings, huge bodies, CSRs with hostile
contents, PEM garbage. Each case answers its status and stable code (no 5xx), and changes nothing: no
certificate issued or revoked, nobody signed in."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from typing import Any

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from services.common.auth import utc_now
from services.common.errors import PROBLEM_MEDIA_TYPE
from services.common.pki import EditorBinding
from services.common.pki.issuance import new_key
from services.ginweb import certificates
from services.ginweb.deps import unit_of_work
from services.ginweb.models import IssuanceMethod
from tests.ginweb.editors import make_csr
from tests.ginweb.stack import Stack, csrf_of
from tests.support.pki import EDITOR, SCHOOL_A, SCHOOL_B

MIB = 1024 * 1024


@dataclass(frozen=True)
class Case:
    name: str
    path: str
    status: int
    code: str
    data: dict[str, str] = field(default_factory=dict)
    files: dict[str, tuple[str, bytes, str]] | None = None
    content: bytes | None = None
    content_type: str | None = None


def csr_with(subject: x509.Name | None = None, *, key: Any = None, uris: tuple[str, ...] = ()) -> bytes:
    key = key or new_key()
    builder = x509.CertificateSigningRequestBuilder().subject_name(
        subject or EditorBinding(SCHOOL_A, EDITOR, "edt").subject()
    )
    if uris:
        names = [x509.UniformResourceIdentifier(uri) for uri in uris]
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    return builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)


def tampered_signature(pem: bytes) -> bytes:
    der = bytearray(x509.load_pem_x509_csr(pem).public_bytes(serialization.Encoding.DER))
    der[-3] ^= 0x01  # inside the signature: the structure parses, the signature no longer verifies
    body = base64.encodebytes(bytes(der))
    return b"-----BEGIN CERTIFICATE REQUEST-----\n" + body + b"-----END CERTIFICATE REQUEST-----\n"


def hostile_subject(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, EDITOR),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "edt"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def issuance_cases() -> list[Case]:
    _, good = make_csr(SCHOOL_A, EDITOR, "edt")
    weak = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    other_school = EditorBinding(SCHOOL_B, EDITOR, "edt")

    def csr_case(name: str, code: str, pem: bytes, *, as_file: bool = False) -> Case:
        if as_file:
            files = {"csr_file": ("demande.csr", pem, "application/pkcs10")}
            return Case(name, "/certificats", 400, code, {"method": "csr", "product": "edt"}, files)
        return Case(
            name, "/certificats", 400, code, {"method": "csr", "product": "edt", "csr_text": pem.decode()}
        )

    pem_garbage = (
        b"-----BEGIN CERTIFICATE REQUEST-----\n!!!pas du base64!!!\n-----END CERTIFICATE REQUEST-----\n"
    )
    return [
        csr_case("no CSR at all", "csr-absente", b"   "),
        csr_case("text that is not PEM", "csr-illisible", b"bonjour, voici ma demande"),
        csr_case("PEM armour around garbage", "csr-illisible", pem_garbage),
        csr_case(
            "a private key instead of a CSR",
            "csr-illisible",
            b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        ),
        csr_case(
            "DER bytes as a file",
            "csr-illisible",
            x509.load_pem_x509_csr(good).public_bytes(serialization.Encoding.DER),
            as_file=True,
        ),
        csr_case("UTF-16 PEM file", "csr-illisible", good.decode().encode("utf-16"), as_file=True),
        csr_case("invalid UTF-8 file", "csr-illisible", b"\xff\xfe\xfa" * 100, as_file=True),
        csr_case("a file past 64 KiB", "csr-trop-volumineux", good + b"\n" * (64 * 1024), as_file=True),
        csr_case("tampered signature", "csr-signature-invalide", tampered_signature(good)),
        csr_case("RSA 1024 key", "csr-cle-refusee", csr_with(key=weak)),
        csr_case("another school's CSR", "csr-incoherent", csr_with(other_school.subject())),
        csr_case("a SAN naming another school", "csr-incoherent", csr_with(uris=tuple(other_school.uris()))),
        csr_case(
            "markup and controls in the CN",
            "csr-incoherent",
            csr_with(hostile_subject("<script>x</script>\x00\u202e")),
        ),
        Case(
            "a pasted CSR past the field's limit",
            "/certificats",
            400,
            "requete-invalide",
            {"method": "csr", "product": "edt", "csr_text": "A" * (64 * 1024 + 1)},
        ),
        Case(
            "an unknown method", "/certificats", 400, "requete-invalide", {"method": "evil", "product": "edt"}
        ),
        Case(
            "multipart without a boundary",
            "/certificats",
            400,
            "requete-invalide",
            content=b"--x\r\n",
            content_type="multipart/form-data",
        ),
        Case(
            "a 2 MiB multipart body",
            "/certificats",
            400,
            "csr-trop-volumineux",
            {"method": "csr", "product": "edt"},
            {"csr_file": ("gros.csr", b"A" * (2 * MIB), "application/pkcs10")},
        ),
        Case(
            "a 3 MiB form field",
            "/certificats",
            400,
            "requete-invalide",
            {"method": "csr", "product": "edt", "csr_text": "A" * (3 * MIB)},
        ),
    ]


def other_form_cases(serial: str) -> list[Case]:
    return [
        Case(
            "an unknown revocation reason",
            f"/certificats/{serial}/revocation",
            400,
            "motif-invalide",
            {"reason": "<script>alert(1)</script>", "confirme": "oui"},
        ),
        Case(
            "a revocation not confirmed",
            f"/certificats/{serial}/revocation",
            400,
            "confirmation-requise",
            {"reason": "keyCompromise"},
        ),
        Case(
            "a user name past its limit",
            "/connexion",
            400,
            "requete-invalide",
            {"username": "a" * 10_000, "password": "x"},
        ),
        Case("no password", "/connexion", 400, "requete-invalide", {"username": "chef.a"}),
        Case(
            "bytes that are not UTF-8 in the form",
            "/connexion",
            401,
            "identifiants-invalides",
            content=b"username=chef.a%FF%FE&password=%C3%28",
            content_type="application/x-www-form-urlencoded",
        ),
    ]


def code_of(response: httpx.Response) -> str:
    if response.headers.get("content-type", "").startswith(PROBLEM_MEDIA_TYPE):
        return str(response.json()["code"])
    found = re.search(r'data-code="([^"]+)"|<code>([^<]+)</code>', response.text)
    return next(group for group in found.groups() if group) if found else "?"


async def send(client: httpx.AsyncClient, case: Case, token: str) -> httpx.Response:
    if case.content is not None:
        glue = b"&" if case.content_type == "application/x-www-form-urlencoded" else b""
        content = case.content + (glue + f"csrf_token={token}".encode() if glue else b"")
        headers = {"content-type": case.content_type or "", "x-csrf-token": token}
        return await client.post(case.path, content=content, headers=headers)
    return await client.post(case.path, data={**case.data, "csrf_token": token}, files=case.files)


async def certificates_now(stack: Stack) -> list[tuple[str, str | None]]:
    async with unit_of_work(stack.ginweb) as db:
        rows = [
            *await certificates.school_certificates(db, SCHOOL_A),
            *await certificates.school_certificates(db, SCHOOL_B),
        ]
    return sorted((row.serial, row.revocation_reason) for row in rows)


async def test_every_hostile_case_is_refused_with_its_code_and_changes_nothing(stack: Stack) -> None:
    issued = stack.pki.ca.issue_with_new_key(uai=SCHOOL_A, editor=EDITOR, product="pronote")
    async with unit_of_work(stack.ginweb) as db:
        head = certificates.Head("operateur", SCHOOL_A)

        record = await certificates.register(
            db, stack.ginweb.ca, issued.certificate, IssuanceMethod.OPERATOR, head, utc_now()
        )
    before = await certificates_now(stack)
    answers = []
    async with stack.head() as client:
        token = await csrf_of(client, "/certificats/nouveau")
        for case in [*issuance_cases(), *other_form_cases(record.serial)]:
            response = await send(client, case, token)
            answers.append((case.name, response.status_code, code_of(response)))
        still_signed_in = (await client.get("/certificats")).status_code
    expected = [
        (case.name, case.status, case.code) for case in [*issuance_cases(), *other_form_cases(record.serial)]
    ]
    assert answers == expected, answers
    assert await certificates_now(stack) == before
    assert still_signed_in == 200
