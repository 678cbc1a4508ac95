"""The head's certificates: list, request (CSR or PKCS#12), details, download, renewal, revocation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.common.auth import utc_now
from services.common.errors import DomainError, InvalidInput
from services.ginweb import certificates, registry
from services.ginweb.certificates import Head
from services.ginweb.deps import HeadDep, StateDep, unit_of_work
from services.ginweb.models import Certificate
from services.ginweb.pages import NO_STORE, generated_password, redirect_with_flash, render
from services.ginweb.state import GinwebState

router = APIRouter()
MAX_CSR_BYTES = 64 * 1024


@dataclass(frozen=True)
class IssuanceRequest:
    """What the issuance form sent: a CSR (pasted or as a file) or a PKCS#12 password."""

    method: str
    csr_text: str
    csr_file: UploadFile | None
    password: str


MethodField = Annotated[str, Form(pattern="^(csr|pkcs12)$")]
CsrFile = Annotated[UploadFile | None, File()]
TextField = Annotated[str, Form(max_length=MAX_CSR_BYTES)]


@router.get("/")
async def home() -> RedirectResponse:
    return RedirectResponse("/certificats", status_code=303)


@router.get("/certificats", response_class=HTMLResponse)
async def list_certificates(request: Request, state: StateDep, head: HeadDep) -> Response:
    async with unit_of_work(state) as db:
        rows = await certificates.school_certificates(db, head.uai)
    now = utc_now()
    items = [(row, certificates.state_of(row, now)) for row in rows]
    return await render(request, state, "certificates.html", head=head, items=items)


@router.get("/certificats/nouveau", response_class=HTMLResponse)
async def new_form(request: Request, state: StateDep, head: HeadDep) -> Response:
    return await _issuance_form(request, state, head, None)


@router.post("/certificats", response_class=HTMLResponse)
async def create(
    request: Request,
    state: StateDep,
    head: HeadDep,
    method: MethodField,
    product: Annotated[str, Form(max_length=64)] = "",
    csr_text: TextField = "",
    password: Annotated[str, Form(max_length=200)] = "",
    csr_file: CsrFile = None,
) -> Response:
    form = IssuanceRequest(method, csr_text, csr_file, password)
    try:
        return await _issue(request, state, head, product, form, None)
    except DomainError as error:
        return await _issuance_form(request, state, head, None, error=error, chosen=product, method=method)


@router.get("/certificats/{serial}", response_class=HTMLResponse)
async def detail(request: Request, state: StateDep, head: HeadDep, serial: str) -> Response:
    async with unit_of_work(state) as db:
        certificate = await certificates.school_certificate(db, head.uai, serial)
    current = certificates.state_of(certificate, utc_now())
    return await render(request, state, "detail.html", head=head, certificate=certificate, current=current)


@router.get("/certificats/{serial}/certificat.pem")
async def download_pem(state: StateDep, head: HeadDep, serial: str) -> Response:
    async with unit_of_work(state) as db:
        certificate = await certificates.school_certificate(db, head.uai, serial)
    filename = f"{certificate.editor_id}-{certificate.product_id}-{certificate.uai}-{certificate.serial[:8]}"
    return Response(
        certificate.pem,
        media_type="application/x-pem-file",
        headers={"Content-Disposition": f'attachment; filename="{filename}.crt.pem"'},
    )


@router.get("/certificats/{serial}/renouvellement", response_class=HTMLResponse)
async def renew_form(request: Request, state: StateDep, head: HeadDep, serial: str) -> Response:
    async with unit_of_work(state) as db:
        old = await certificates.renewable(db, head, serial, utc_now())
    return await _issuance_form(request, state, head, old)


@router.post("/certificats/{serial}/renouvellement", response_class=HTMLResponse)
async def renew(
    request: Request,
    state: StateDep,
    head: HeadDep,
    serial: str,
    method: MethodField,
    csr_text: TextField = "",
    password: Annotated[str, Form(max_length=200)] = "",
    csr_file: CsrFile = None,
) -> Response:
    async with unit_of_work(state) as db:
        old = await certificates.renewable(db, head, serial, utc_now())
    form = IssuanceRequest(method, csr_text, csr_file, password)
    try:
        return await _issue(request, state, head, old.product_id, form, old)
    except DomainError as error:
        return await _issuance_form(request, state, head, old, error=error, method=method)


@router.post("/certificats/{serial}/revocation")
async def revoke(
    request: Request,
    state: StateDep,
    head: HeadDep,
    serial: str,
    reason: Annotated[str, Form(max_length=40)],
    confirme: Annotated[str, Form(max_length=3)] = "",
) -> Response:
    if reason not in certificates.REASONS:  # a tampered form: refused, not revoked as "unspecified"
        raise InvalidInput("Ce motif de révocation n'existe pas.", code="motif-invalide")
    async with unit_of_work(state) as db:
        certificate = await certificates.school_certificate(db, head.uai, serial)
        if confirme != "oui":  # revocation is final: the head ticks the box saying they know it
            error = InvalidInput(
                "Cochez la case de confirmation : la révocation est définitive.", code="confirmation-requise"
            )
            current = certificates.state_of(certificate, utc_now())
            return await render(
                request, state, "detail.html", status_code=400, head=head, certificate=certificate,
                current=current, error=error,
            )  # fmt: skip
        await certificates.revoke(db, certificate, reason, actor=head.username, now=utc_now())
    message = f"Le certificat {certificate.serial} est révoqué : la passerelle le refuse dès maintenant."
    return await redirect_with_flash(request, state, f"/certificats/{certificate.serial}", message)


async def _issue(
    request: Request,
    state: GinwebState,
    head: Head,
    product: str,
    form: IssuanceRequest,
    old: Certificate | None,
) -> Response:
    policy, now = state.settings.issuance.policy(), utc_now()
    bundle: bytes | None = None
    async with unit_of_work(state) as db:
        if form.method == "csr":
            csr = await _csr_bytes(form.csr_text, form.csr_file)
            new = await certificates.issue_from_csr(db, state.ca, head, product, csr, policy=policy, now=now)
        else:
            new, bundle = await certificates.issue_pkcs12(
                db, state.ca, head, product, form.password, policy=policy, now=now
            )
        if old is not None:
            certificates.mark_renewed(db, old, new, policy=policy, now=now)
    if bundle is not None:
        name = f"{new.editor_id}-{new.product_id}-{new.uai}-{new.serial[:8]}.p12"
        return Response(
            bundle,
            media_type="application/x-pkcs12",
            # The bundle holds the private key: never kept by a cache.
            headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": NO_STORE},
        )
    message = f"Certificat {new.serial} délivré : téléchargez-le et installez-le dans le logiciel."
    return await redirect_with_flash(request, state, f"/certificats/{new.serial}", message)


async def _csr_bytes(csr_text: str, csr_file: UploadFile | None) -> bytes:
    if csr_file is not None and csr_file.filename:
        data = await csr_file.read(MAX_CSR_BYTES + 1)
        if len(data) > MAX_CSR_BYTES:
            raise InvalidInput("Le fichier CSR est trop volumineux.", code="csr-trop-volumineux")
        return data
    if not csr_text.strip():
        raise InvalidInput("Collez la demande (CSR) ou choisissez son fichier.", code="csr-absente")
    return csr_text.strip().encode()


async def _issuance_form(
    request: Request,
    state: GinwebState,
    head: Head,
    old: Certificate | None,
    *,
    error: DomainError | None = None,
    chosen: str = "",
    method: str = "csr",
) -> Response:
    async with unit_of_work(state) as db:
        products = await registry.accredited_products(db)
    return await render(
        request,
        state,
        "issue.html",
        status_code=error.status if error else 200,
        head=head,
        products=products,
        old=old,
        chosen=chosen or (old.product_id if old else ""),
        method=method,
        error=error,
        suggested_password=generated_password(),
    )
