"""The operator commands that act on GIN-WEB's database (settings from ``GINWEB_`` variables)::

    python -m services.ginweb.cli add-editor --id index-education --name "Index Éducation"
    python -m services.ginweb.cli add-product --editor index-education --id edt --name EDT \\
        --flows nomenclatures,structures,etablissement,emploi-du-temps
    python -m services.ginweb.cli withdraw-editor --id index-education   # reinstate-editor to undo
    python -m services.ginweb.cli create-head --username chef.0310053p --uai 0310053P [--password-stdin]
    python -m services.ginweb.cli seed-dev --certs certs/        # what `make run` does
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.pki import CertificateAuthority
from services.ginweb import operator, registry
from services.ginweb.settings import GinwebSettings

MANIFEST_FILE = "manifest.json"  # written by dev-pki
COMMANDS = frozenset(
    {"add-editor", "add-product", "withdraw-editor", "reinstate-editor", "create-head", "seed-dev"}
)


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    editor = commands.add_parser("add-editor", help="add an accredited editor to the registry")
    editor.add_argument("--id", required=True, help="slug, as in certificates: index-education")
    editor.add_argument("--name", default="")
    product = commands.add_parser("add-product", help="add a product and the flows it may use")
    product.add_argument("--editor", required=True)
    product.add_argument("--id", required=True)
    product.add_argument("--name", default="")
    product.add_argument("--flows", required=True, help="comma-separated flow names")
    for name, text in (("withdraw-editor", "withdraw"), ("reinstate-editor", "restore")):
        change = commands.add_parser(name, help=f"{text} an editor's accreditation (all its certificates)")
        change.add_argument("--id", required=True)
    head = commands.add_parser("create-head", help="create a head of school's portal account")
    head.add_argument("--username", required=True)
    head.add_argument("--uai", required=True)
    head.add_argument("--display-name", default="")
    head.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    head.add_argument("--oidc-only", action="store_true", help="no password: signs in through OIDC")
    seed = commands.add_parser("seed-dev", help="demo editor, products, heads and certificates")
    seed.add_argument("--certs", type=Path, default=Path("certs"))


@dataclass
class _Inputs:
    """What a command reads from the terminal or from files, before the event loop starts."""

    password: str | None = None
    ca: CertificateAuthority | None = None
    leaves: list[x509.Certificate] = field(default_factory=list)


def run(args: argparse.Namespace, settings: GinwebSettings | None = None) -> str:
    """Run one database command; returns what to print."""
    settings = settings or GinwebSettings()
    inputs = _read_inputs(args)
    return asyncio.run(operator.in_database(settings, lambda db: _execute(db, args, inputs)))


async def _execute(db: AsyncSession, args: argparse.Namespace, inputs: _Inputs) -> str:
    actor, command = operator.OPERATOR, args.command
    if command == "add-editor":
        await registry.add_editor(db, args.id, args.name, actor=actor)
        return f"éditeur {args.id} ajouté"
    if command == "add-product":
        flows = [flow.strip() for flow in args.flows.split(",") if flow.strip()]
        await registry.add_product(db, args.editor, args.id, args.name, flows, actor=actor)
        return f"produit {args.id} ajouté ({', '.join(flows)})"
    if command in ("withdraw-editor", "reinstate-editor"):
        active = command == "reinstate-editor"
        await registry.set_accreditation(db, args.id, active=active, actor=actor)
        return f"habilitation de {args.id} {'rétablie' if active else 'retirée'}"
    if command == "create-head":
        await operator.create_head(db, args.username, args.uai, inputs.password, args.display_name)
        return f"compte {args.username} créé pour {args.uai}"
    assert inputs.ca is not None
    schools = sorted({_uai(leaf) for leaf in inputs.leaves})
    await operator.seed_development(db, inputs.ca, inputs.leaves, schools)
    return "comptes de démonstration : " + ", ".join(map(operator.dev_head_username, schools))


def _read_inputs(args: argparse.Namespace) -> _Inputs:
    if args.command == "create-head":
        return _Inputs(password=_password(args))
    if args.command == "seed-dev":
        manifest = json.loads((args.certs / MANIFEST_FILE).read_text())
        leaves = [_leaf(args.certs / client["cert"]) for client in manifest["clients"]]
        return _Inputs(ca=CertificateAuthority.load(args.certs), leaves=leaves)
    return _Inputs()


def _password(args: argparse.Namespace) -> str | None:
    if args.oidc_only:
        return None
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Mot de passe : ")
    if first != getpass.getpass("Confirmation : "):
        raise SystemExit("les deux saisies diffèrent")
    return first


def _leaf(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificates(path.read_bytes())[0]


def _uai(leaf: x509.Certificate) -> str:
    return str(leaf.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value)


def register(ca_dir: Path, certificate: Path, settings: GinwebSettings | None = None) -> str:
    """Record a certificate written by ``issue-cert`` in GIN-WEB's database."""
    ca, leaf = CertificateAuthority.load(ca_dir), _leaf(certificate)
    serial = asyncio.run(
        operator.in_database(
            settings or GinwebSettings(),
            lambda db: operator.register_certificate(db, ca, leaf, operator.OPERATOR),
        )
    )
    return f"certificat {serial} enregistré"
