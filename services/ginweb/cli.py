"""Operator commands for GIN-WEB's certificate authority.

    python -m services.ginweb.cli dev-pki --out certs/ [--force] [--p12-password netsynchro]
    python -m services.ginweb.cli issue-cert --uai 0310053P --editor index-education --product edt \\
        --out certs/issued [--ca certs/] [--csr request.pem] [--register] [--days 10]

``--register`` also records the certificate in GIN-WEB's database (``GINWEB_`` settings), audited, so the
head sees it and can revoke it. The registry and account commands are in :mod:`services.ginweb.commands`.

``dev-pki`` is idempotent: it keeps what exists and is still valid, re-issues everything below a CA it
had to create, and rewrites ``manifest.json`` from the certificates on disk so that ``make run`` can
print a ready-to-paste curl command.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509

from services.common.errors import DomainError
from services.common.identity import serial_hex
from services.common.pki import (
    CHAIN_FILE,
    ROOT_CERT_FILE,
    CertificateAuthority,
    IssuedCertificate,
    certificates_pem,
    pkcs12_bundle,
    private_key_pem,
    write_private,
    write_public,
)
from services.ginweb import commands

DEV_P12_PASSWORD = "netsynchro"  # noqa: S105  # development PKI only, published in certs/README.md
MANIFEST_FILE = "manifest.json"
SERVER_NAME = "gateway"


@dataclass(frozen=True)
class EditorCertificateSpec:
    """One editor product at one school, and the file names its certificate is written under."""

    uai: str
    editor: str
    product: str

    @property
    def name(self) -> str:
        return f"{self.editor}-{self.product}-{self.uai}"


DEMO_CLIENTS = tuple(
    EditorCertificateSpec(uai, "index-education", product)
    for uai in ("0310053P", "0332490C", "0750702F", "0311586F")
    for product in ("edt", "pronote")  # timetable software, school-life software
)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return the process exit status."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "dev-pki":
            dev_pki(args.out, force=args.force, p12_password=args.p12_password)
        elif args.command in commands.COMMANDS:
            print(commands.run(args))
        else:
            spec = EditorCertificateSpec(args.uai, args.editor, args.product)
            path = issue_cert(
                args.ca, args.out, spec, csr=args.csr, p12_password=args.p12_password, days=args.days
            )
            if args.register:
                print(commands.register(args.ca, path))
    except DomainError as error:
        print(f"{error.code}: {error.title}", file=sys.stderr)
        return 2
    return 0


def dev_pki(out: Path, *, force: bool = False, p12_password: str = DEV_P12_PASSWORD) -> dict[str, Any]:
    """Create what is missing or expired of the development PKI in ``out`` (everything with ``force``)
    and return the manifest written there."""
    new_ca = force or not CertificateAuthority.exists(out)
    if new_ca:
        CertificateAuthority.generate(name="NetSynchro Dev").save(out)
        _report("created", out / ROOT_CERT_FILE)
    ca = CertificateAuthority.load(out)
    _ensure(out, SERVER_NAME, ca.issue_server_certificate, force=new_ca, p12_password=None)
    for spec in DEMO_CLIENTS:
        issue = functools.partial(
            ca.issue_with_new_key, uai=spec.uai, editor=spec.editor, product=spec.product
        )
        _ensure(out, spec.name, issue, force=new_ca, p12_password=p12_password)
    manifest = _manifest(out)
    _write_if_changed(out / MANIFEST_FILE, (json.dumps(manifest, indent=2) + "\n").encode())
    return manifest


def issue_cert(
    ca_dir: Path,
    out: Path,
    spec: EditorCertificateSpec,
    *,
    csr: Path | None,
    p12_password: str,
    days: int | None = None,
) -> Path:
    """Issue one editor certificate with the CA saved in ``ca_dir``: for the key in ``csr`` when given,
    otherwise with a new key (PEM and PKCS#12). Returns the certificate file. ``days`` shortens its
    validity (a stand-in while a real one is issued; what the "expiring soon" list is tested with)."""
    ca = CertificateAuthority.load(ca_dir)
    not_after = datetime.now(UTC) + timedelta(days=days) if days is not None else None
    if csr is None:
        issued = ca.issue_with_new_key(
            uai=spec.uai, editor=spec.editor, product=spec.product, not_after=not_after
        )
        _write(out, spec.name, issued, p12_password)
        return out / f"{spec.name}.crt.pem"
    cert = ca.issue_from_csr(
        csr.read_bytes(), uai=spec.uai, editor=spec.editor, product=spec.product, not_after=not_after
    )
    path = out / f"{spec.name}.crt.pem"
    write_public(path, certificates_pem([cert, ca.issuing.certificate]))
    _report("created", path)
    return path


def _ensure(
    out: Path,
    name: str,
    issue: Callable[[], IssuedCertificate],
    *,
    force: bool,
    p12_password: str | None,
) -> None:
    suffixes = [".crt.pem", ".key.pem"] + ([".p12"] if p12_password is not None else [])
    if not force and _is_current(out, name, suffixes):
        _report("kept", out / f"{name}.crt.pem")
        return
    _write(out, name, issue(), p12_password)


def _is_current(out: Path, name: str, suffixes: Sequence[str]) -> bool:
    """All of ``name``'s files exist and its certificate has not expired."""
    if not all((out / f"{name}{suffix}").is_file() for suffix in suffixes):
        return False
    return _leaf(out / f"{name}.crt.pem").not_valid_after_utc > datetime.now(UTC)


def _write(out: Path, name: str, issued: IssuedCertificate, p12_password: str | None) -> None:
    # Leaf then issuing CA, as TLS servers and curl's --cert expect, so that a peer trusting only the
    # root can build the chain.
    write_public(out / f"{name}.crt.pem", certificates_pem([issued.certificate, issued.chain[0]]))
    write_private(out / f"{name}.key.pem", private_key_pem(issued.key))
    if p12_password is not None:
        bundle = pkcs12_bundle(
            issued.certificate, issued.key, issued.chain, password=p12_password.encode(), friendly_name=name
        )
        write_private(out / f"{name}.p12", bundle)
    _report("created", out / f"{name}.crt.pem")


def _manifest(out: Path) -> dict[str, Any]:
    return {
        "root_ca": ROOT_CERT_FILE,
        "ca_chain": CHAIN_FILE,
        "server": {"cert": f"{SERVER_NAME}.crt.pem", "key": f"{SERVER_NAME}.key.pem"},
        "clients": [_client_entry(out, spec) for spec in DEMO_CLIENTS],
    }


def _client_entry(out: Path, spec: EditorCertificateSpec) -> dict[str, str]:
    cert = _leaf(out / f"{spec.name}.crt.pem")
    return {
        "name": spec.name,
        "uai": spec.uai,
        "editor": spec.editor,
        "product": spec.product,
        "serial": serial_hex(cert.serial_number),
        "not_after": cert.not_valid_after_utc.isoformat(),
        "cert": f"{spec.name}.crt.pem",
        "key": f"{spec.name}.key.pem",
        "p12": f"{spec.name}.p12",
    }


def _write_if_changed(path: Path, data: bytes) -> None:
    # A second run must leave the folder untouched, modification times included.
    if not path.is_file() or path.read_bytes() != data:
        write_public(path, data)


def _leaf(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificates(path.read_bytes())[0]


def _report(action: str, path: Path) -> None:
    print(f"{action:8} {path}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m services.ginweb.cli",
        description="Operator commands for GIN-WEB's certificate authority.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True)
    dev = subparsers.add_parser("dev-pki", help="create the development PKI (idempotent)")
    dev.add_argument("--out", type=Path, default=Path("certs"))
    dev.add_argument("--force", action="store_true", help="regenerate everything, CA included")
    dev.add_argument("--p12-password", default=DEV_P12_PASSWORD)
    issue = subparsers.add_parser("issue-cert", help="issue one editor certificate with an existing CA")
    issue.add_argument("--uai", required=True)
    issue.add_argument("--editor", required=True)
    issue.add_argument("--product", required=True)
    issue.add_argument("--out", type=Path, required=True)
    issue.add_argument("--ca", type=Path, default=Path("certs"), help="folder holding the CA files")
    issue.add_argument("--csr", type=Path, help="sign this PEM CSR instead of generating a key")
    issue.add_argument("--p12-password", default=DEV_P12_PASSWORD)
    issue.add_argument("--register", action="store_true", help="record it in GIN-WEB's database")
    issue.add_argument("--days", type=int, help="valid for this many days only (default: the school year)")
    commands.add_commands(subparsers)
    return parser


if __name__ == "__main__":
    sys.exit(main())
