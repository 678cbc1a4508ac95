"""``netsynchro-admin`` (or ``python -m services.admin``): the operator's command, one sub-command per
thing an operator looks after. Each reads the settings of the service it acts on from that service's
variables (``GINWEB_…``, ``SUPERVISION_…``, ``STS_…``, ``BEE_…``), as the services themselves do.

Exit codes: 0 done; 1 refused (the platform's rules say no: the message says why); 2 the command line
is wrong; 3 not found (account, certificate, sync); 4 a service, its database or the bus did not
answer; 5 unexpected failure (the message names it; no traceback).
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy.exc import OperationalError

from services.admin import accounts, certificates, imports
from services.admin.french_argparse import install
from services.common.bus import Bus
from services.common.errors import DomainError, NotFound
from services.common.rollover_cli import with_bus
from services.ginweb import certificates as ginweb_certificates
from services.ginweb import commands, operator
from services.ginweb.settings import GinwebSettings
from services.supervision.accounts import ensure_supervisor
from services.supervision.settings import SupervisionSettings

DONE, REFUSED, USAGE, NOT_FOUND, UNREACHABLE, UNEXPECTED = 0, 1, 2, 3, 4, 5
PROG = "netsynchro-admin"
DESCRIPTION = """La commande de l'exploitant de NetSynchro. Chaque commande lit la configuration du service
sur lequel elle agit dans les variables de ce service (GINWEB_…, SUPERVISION_…, STS_…, BEE_…),
comme le service lui-même. Aide de chaque commande : netsynchro-admin COMMANDE --help.

codes de sortie :
  0  fait
  1  refusé (les règles de la plateforme disent non ; le message dit pourquoi)
  2  ligne de commande incorrecte
  3  introuvable (compte, certificat, synchronisation)
  4  un service, sa base ou le bus n'a pas répondu
  5  échec inattendu (le message le nomme)"""


class Refused(Exception):
    """A refusal of the command itself (two passwords that differ); exit code 1."""


def main(argv: Sequence[str] | None = None) -> int:
    install()
    args = parser().parse_args(argv)
    try:
        outcome: int | None = args.run(args)
    except NotFound as error:
        return _fail(NOT_FOUND, f"introuvable [{error.code}] : {error.title}")
    except DomainError as error:
        detail = f" ({error.detail})" if error.detail else ""
        return _fail(REFUSED, f"refusé [{error.code}] : {error.title}{detail}")
    except Refused as error:
        return _fail(REFUSED, f"refusé : {error}")
    except (TimeoutError, OSError, OperationalError) as error:
        return _fail(UNREACHABLE, f"service injoignable ({type(error).__name__}: {error}) : est-il démarré ?")
    except KeyboardInterrupt:
        return _fail(REFUSED, "interrompu")
    except Exception as error:  # an operator sees a sentence, never a traceback
        return _fail(UNEXPECTED, f"échec inattendu ({type(error).__name__}) : {error}")
    return outcome or DONE


def _fail(code: int, message: str) -> int:
    print(message, file=sys.stderr)
    return code


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog=PROG, description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    groups = root.add_subparsers(dest="groupe", required=True, metavar="COMMANDE", title="commandes")
    _accounts(groups)
    _certificates(groups)
    _imports(groups)
    _rollover(groups)
    _registry(groups)
    _pki(groups)
    return root


def _group(
    groups: argparse._SubParsersAction[argparse.ArgumentParser], name: str, text: str, description: str
) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    group = groups.add_parser(
        name, help=text, description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    return group.add_subparsers(dest="action", required=True, metavar="ACTION", title="actions")


def _command(
    actions: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    text: str,
    run: Callable[[argparse.Namespace], int | None],
    description: str = "",
) -> argparse.ArgumentParser:
    command = actions.add_parser(
        name, help=text, description=description or text, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    command.set_defaults(run=run)
    return command


# -- comptes ------------------------------------------------------------------------------------------
def _accounts(groups: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    actions = _group(
        groups,
        "comptes",
        "comptes des chefs d'établissement (GIN-WEB) et des superviseurs",
        "Comptes des deux consoles : --console ginweb (chefs d'établissement) ou --console supervision.\n\n"
        "exemples :\n"
        "  netsynchro-admin comptes creer --console ginweb chef.0310053p --uai 0310053P\n"
        "  netsynchro-admin comptes creer --console supervision marie.dupont --academie toulouse\n"
        "  netsynchro-admin comptes deverrouiller --console ginweb chef.0310053p --adresse 203.0.113.7\n"
        "  netsynchro-admin comptes reinitialiser-mot-de-passe --console ginweb chef.0310053p\n"
        "  netsynchro-admin comptes desactiver --console supervision marie.dupont",
    )
    create = _command(actions, "creer", "créer un compte", _create_account)
    _console(create)
    create.add_argument("--uai", help="établissement du chef (console ginweb)")
    create.add_argument(
        "--academie", action="append", default=[], help="académie suivie (supervision, répétable)"
    )
    create.add_argument("--national", action="store_true", help="superviseur national (supervision)")
    create.add_argument("--nom", default="", help="nom affiché")
    _password_options(create)
    create.add_argument(
        "--oidc", action="store_true", help="sans mot de passe : connexion par OIDC seulement"
    )
    unlock = _command(
        actions,
        "deverrouiller",
        "oublier les échecs de connexion d'un compte (il peut se reconnecter tout de suite)",
        _unlock,
        "Après des mots de passe erronés, la connexion est ralentie pour ce compte (partout) et pour ce\n"
        "compte depuis chaque adresse. Cette commande oublie les échecs du compte ; avec --adresse, aussi\n"
        "ceux depuis l'adresse d'où la personne se connecte.",
    )
    _console(unlock)
    unlock.add_argument(
        "--adresse", action="append", default=[], help="adresse IP de la personne (répétable)"
    )
    reset = _command(
        actions,
        "reinitialiser-mot-de-passe",
        "donner un nouveau mot de passe (ses sessions sont fermées)",
        _reset,
    )
    _console(reset)
    _password_options(reset)
    disable = _command(
        actions, "desactiver", "désactiver un compte (connexion refusée, sessions fermées)", _disable
    )
    _console(disable)
    enable = _command(actions, "reactiver", "réactiver un compte désactivé", _enable)
    _console(enable)


def _console(command: argparse.ArgumentParser) -> None:
    command.add_argument("identifiant", help="identifiant du compte (insensible à la casse)")
    command.add_argument("--console", required=True, choices=accounts.CONSOLES, help="ginweb ou supervision")


def _password_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--mot-de-passe-stdin",
        action="store_true",
        help="lire le mot de passe sur l'entrée standard (une ligne)",
    )


def _password(args: argparse.Namespace) -> str | None:
    if getattr(args, "oidc", False):
        return None
    if args.mot_de_passe_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Mot de passe : ")
    if first != getpass.getpass("Confirmation : "):
        raise Refused("les deux saisies diffèrent")
    return first


def _create_account(args: argparse.Namespace) -> None:
    password = _password(args)
    if args.console == "ginweb":
        if not args.uai:
            raise Refused("un compte GIN-WEB est celui d'un chef d'établissement : précisez --uai")
        uai = args.uai.upper()
        asyncio.run(
            operator.in_database(
                GinwebSettings(),
                lambda db: operator.create_head(db, args.identifiant, uai, password, args.nom),
            )
        )
        print(f"compte {args.identifiant} créé dans GIN-WEB pour l'établissement {uai}")
        return
    created = asyncio.run(
        ensure_supervisor(
            SupervisionSettings(),
            username=args.identifiant,
            academies=args.academie,
            national=args.national,
            password=password,
            display_name=args.nom,
        )
    )
    if not created:
        raise Refused(f"le compte {args.identifiant} existe déjà dans la supervision")
    print(f"compte {args.identifiant} créé dans la supervision")


def _unlock(args: argparse.Namespace) -> None:
    _database, auth = accounts.console_settings(args.console)
    cleared = asyncio.run(
        accounts.in_console(
            args.console, lambda db: accounts.unlock(db, args.identifiant, args.adresse, auth.throttle)
        )
    )
    print(f"compte {args.identifiant} déverrouillé ({cleared} compteur(s) d'échecs effacé(s))")


def _reset(args: argparse.Namespace) -> None:
    password = _password(args)
    assert password is not None
    _database, auth = accounts.console_settings(args.console)
    asyncio.run(
        accounts.in_console(
            args.console, lambda db: accounts.reset_password(db, args.identifiant, password, auth)
        )
    )
    print(f"mot de passe de {args.identifiant} changé ; ses sessions ouvertes sont fermées")


def _disable(args: argparse.Namespace) -> None:
    asyncio.run(
        accounts.in_console(args.console, lambda db: accounts.set_active(db, args.identifiant, active=False))
    )
    print(f"compte {args.identifiant} désactivé ; ses sessions ouvertes sont fermées")


def _enable(args: argparse.Namespace) -> None:
    asyncio.run(
        accounts.in_console(args.console, lambda db: accounts.set_active(db, args.identifiant, active=True))
    )
    print(f"compte {args.identifiant} réactivé")


# -- certificats --------------------------------------------------------------------------------------
def _certificates(groups: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    actions = _group(
        groups,
        "certificats",
        "certificats des éditeurs délivrés par GIN-WEB : lister, voir, révoquer",
        "Les certificats que GIN-WEB a délivrés (base de GIN-WEB, variables GINWEB_…).\n\n"
        "exemples :\n"
        "  netsynchro-admin certificats lister --uai 0310053P\n"
        "  netsynchro-admin certificats lister --expire-sous 30\n"
        "  netsynchro-admin certificats voir 5F3A…\n"
        "  netsynchro-admin certificats revoquer 5F3A… --motif keyCompromise",
    )
    listing = _command(actions, "lister", "lister les certificats valides (ou tous)", _list_certificates)
    listing.add_argument("--uai", help="ceux d'un établissement")
    listing.add_argument(
        "--expire-sous", type=int, metavar="JOURS", help="ceux qui expirent d'ici JOURS jours"
    )
    listing.add_argument("--tous", action="store_true", help="aussi les expirés et les révoqués")
    show = _command(actions, "voir", "afficher un certificat", _show_certificate)
    show.add_argument("serie", help="numéro de série (hexadécimal, « : » acceptés)")
    revoke = _command(
        actions,
        "revoquer",
        "révoquer un certificat : les passerelles le refusent dès la publication",
        _revoke_certificate,
        "Révoque le certificat (journalisé), puis publie la révocation aux passerelles par le bus ; si le\n"
        "bus ne répond pas, GIN-WEB la publie à son prochain passage de maintenance.\n\nmotifs :\n"
        + "\n".join(f"  {key:22} {label}" for key, label in ginweb_certificates.REASONS.items()),
    )
    revoke.add_argument("serie", help="numéro de série (hexadécimal)")
    revoke.add_argument(
        "--motif", required=True, choices=list(ginweb_certificates.REASONS), help="motif RFC 5280"
    )


def _list_certificates(args: argparse.Namespace) -> int:
    lines = asyncio.run(
        operator.in_database(
            GinwebSettings(),
            lambda db: certificates.listed(
                db, uai=args.uai, expiring_within_days=args.expire_sous, every=args.tous
            ),
        )
    )
    for line in lines:
        print(line)
    print(f"{len(lines)} certificat(s)", file=sys.stderr)
    return DONE


def _show_certificate(args: argparse.Namespace) -> None:
    async def show(db: object) -> list[str]:
        return certificates.details(await certificates.found(db, args.serie))  # type: ignore[arg-type]

    for line in asyncio.run(operator.in_database(GinwebSettings(), show)):
        print(line)


def _revoke_certificate(args: argparse.Namespace) -> None:
    revoked = asyncio.run(
        operator.in_database(GinwebSettings(), lambda db: certificates.revoke(db, args.serie, args.motif))
    )
    print(
        f"certificat {revoked.serial} ({revoked.uai}, {revoked.editor_id}/{revoked.product_id}) révoqué : "
        f"{ginweb_certificates.REASONS[args.motif]}"
    )


# -- imports ------------------------------------------------------------------------------------------
def _imports(groups: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    actions = _group(
        groups,
        "imports",
        "imports retenus par la soupape de sécurité : lister, décider",
        "Un import qui supprimerait trop de données est retenu jusqu'à la décision d'un superviseur\n"
        "(journal de la supervision, variables SUPERVISION_…). La décision part par le bus, comme\n"
        "celle de la console.\n\n"
        "exemples :\n"
        "  netsynchro-admin imports retenus\n"
        "  netsynchro-admin imports decider 01J… --approuver\n"
        '  netsynchro-admin imports decider 01J… --rejeter --motif "fichier de l\'an dernier"',
    )
    listing = _command(actions, "retenus", "lister les imports en attente de décision", _list_held)
    listing.add_argument("--uai", help="ceux d'un établissement")
    decide = _command(actions, "decider", "approuver ou rejeter un import retenu", _decide)
    decide.add_argument("sync_id", help="identifiant de la synchronisation (colonne 1 de « retenus »)")
    choice = decide.add_mutually_exclusive_group(required=True)
    choice.add_argument("--approuver", action="store_true", help="appliquer l'import")
    choice.add_argument("--rejeter", action="store_true", help="ne pas l'appliquer")
    decide.add_argument("--motif", help="motif de la décision (journalisé)")


def _list_held(args: argparse.Namespace) -> None:
    records = asyncio.run(accounts.in_console("supervision", lambda db: imports.held(db, args.uai)))
    for record in records:
        print(imports.describe(record))
    print(f"{len(records)} import(s) retenu(s)", file=sys.stderr)


def _decide(args: argparse.Namespace) -> None:
    settings = SupervisionSettings()

    async def decide() -> None:
        job = await accounts.in_console(
            "supervision",
            lambda db: imports.decision(db, args.sync_id, approve=args.approuver, reason=args.motif),
        )

        async def send(bus: Bus) -> None:
            await imports.send(bus, job)

        await with_bus(settings.nats, "netsynchro-admin", send)

    asyncio.run(decide())
    verdict = "approuvé" if args.approuver else "rejeté"
    print(f"import {args.sync_id} {verdict} : la décision est transmise à l'établissement")


# -- bascule ------------------------------------------------------------------------------------------
def _rollover(groups: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    actions = _group(
        groups,
        "bascule",
        "bascule d'année (STS puis BEE), étape par étape",
        "Les étapes de la bascule, demandées au service concerné par le bus. Les options de chaque\n"
        "service : netsynchro-admin bascule sts --help, netsynchro-admin bascule bee --help.\n\n"
        "exemples :\n"
        "  netsynchro-admin bascule sts statut --uai 0310053P --year 2027\n"
        "  netsynchro-admin bascule sts bascule --uai 0310053P --year 2027\n"
        "  netsynchro-admin bascule bee bascule --academie toulouse --year 2027",
    )
    for service, text in (
        ("sts", "étapes STS (profil, bascule, statut)"),
        ("bee", "étapes BEE (nomenclatures, bascule, statut)"),
    ):
        # Its arguments are the service's own command's (services.sts.bascule, services.bee.bascule).
        command = actions.add_parser(service, help=text, add_help=False)
        command.set_defaults(run=_delegate_rollover, service=service)
        command.add_argument("arguments", nargs=argparse.REMAINDER)


def _delegate_rollover(args: argparse.Namespace) -> int:
    from services.bee import bascule as bee_bascule
    from services.sts import bascule as sts_bascule

    module = sts_bascule if args.service == "sts" else bee_bascule
    try:
        return int(module.main(args.arguments))
    except SystemExit as exit_:  # its --help, or a usage error
        return int(exit_.code or 0)


# -- registre et PKI (les commandes de GIN-WEB) -------------------------------------------------------
def _registry(groups: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    actions = _group(
        groups,
        "registre",
        "registre des éditeurs habilités et de leurs produits (GIN-WEB)",
        "exemples :\n"
        '  netsynchro-admin registre ajouter-editeur --id index-education --nom "Index Éducation"\n'
        "  netsynchro-admin registre ajouter-produit --editeur index-education --id edt --nom EDT \\\n"
        "      --flux nomenclatures,structures,etablissement,emploi-du-temps\n"
        "  netsynchro-admin registre retirer-editeur --id index-education",
    )
    editor = _command(actions, "ajouter-editeur", "habiliter un éditeur", _registry_run("add-editor"))
    editor.add_argument(
        "--id", required=True, help="identifiant, comme dans les certificats : index-education"
    )
    editor.add_argument("--nom", default="", help="raison sociale")
    product = _command(
        actions, "ajouter-produit", "ajouter un produit et ses flux", _registry_run("add-product")
    )
    product.add_argument("--editeur", required=True)
    product.add_argument("--id", required=True)
    product.add_argument("--nom", default="")
    product.add_argument("--flux", required=True, help="noms des flux, séparés par des virgules")
    for name, text, command in (
        (
            "retirer-editeur",
            "retirer l'habilitation d'un éditeur (tous ses certificats sont refusés)",
            "withdraw-editor",
        ),
        ("retablir-editeur", "rétablir l'habilitation d'un éditeur", "reinstate-editor"),
    ):
        _command(actions, name, text, _registry_run(command)).add_argument("--id", required=True)
    seed = _command(
        actions,
        "demo",
        "éditeur, produits, chefs et certificats de démonstration (make run)",
        _registry_run("seed-dev"),
    )
    seed.add_argument("--certs", type=Path, default=Path("certs"), help="dossier de la PKI de développement")


def _registry_run(command: str) -> Callable[[argparse.Namespace], None]:
    def run(args: argparse.Namespace) -> None:
        values = vars(args)
        namespace = argparse.Namespace(
            command=command,
            id=values.get("id"),
            name=values.get("nom", ""),
            editor=values.get("editeur"),
            flows=values.get("flux"),
            certs=values.get("certs"),
        )
        print(commands.run(namespace))

    return run


def _pki(groups: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from services.ginweb import cli as ginweb_cli

    actions = _group(
        groups,
        "pki",
        "autorité de certification : PKI de développement, certificat émis hors portail",
        "exemples :\n"
        "  netsynchro-admin pki dev --dossier certs/\n"
        "  netsynchro-admin pki emettre --uai 0310053P --editeur index-education --produit edt \\\n"
        "      --dossier certs/emis --enregistrer",
    )
    dev = _command(actions, "dev", "créer la PKI de développement (idempotent)", _dev_pki)
    dev.add_argument("--dossier", type=Path, default=Path("certs"))
    dev.add_argument("--forcer", action="store_true", help="tout régénérer, autorité comprise")
    dev.add_argument("--mot-de-passe-p12", default=ginweb_cli.DEV_P12_PASSWORD)
    issue = _command(actions, "emettre", "émettre un certificat d'éditeur avec l'autorité existante", _issue)
    issue.add_argument("--uai", required=True)
    issue.add_argument("--editeur", required=True)
    issue.add_argument("--produit", required=True)
    issue.add_argument("--dossier", type=Path, required=True, help="où écrire le certificat")
    issue.add_argument("--ca", type=Path, default=Path("certs"), help="dossier de l'autorité")
    issue.add_argument("--csr", type=Path, help="signer cette demande PEM au lieu de créer une clé")
    issue.add_argument("--mot-de-passe-p12", default=ginweb_cli.DEV_P12_PASSWORD)
    issue.add_argument("--enregistrer", action="store_true", help="l'enregistrer dans la base de GIN-WEB")
    issue.add_argument(
        "--jours", type=int, help="valable ce nombre de jours seulement (défaut : l'année scolaire)"
    )


def _dev_pki(args: argparse.Namespace) -> None:
    from services.ginweb import cli as ginweb_cli

    ginweb_cli.dev_pki(args.dossier, force=args.forcer, p12_password=args.mot_de_passe_p12)


def _issue(args: argparse.Namespace) -> None:
    from services.ginweb import cli as ginweb_cli

    spec = ginweb_cli.EditorCertificateSpec(args.uai.upper(), args.editeur, args.produit)
    path = ginweb_cli.issue_cert(
        args.ca, args.dossier, spec, csr=args.csr, p12_password=args.mot_de_passe_p12, days=args.jours
    )
    if args.enregistrer:
        print(commands.register(args.ca, path))


if __name__ == "__main__":
    sys.exit(main())
