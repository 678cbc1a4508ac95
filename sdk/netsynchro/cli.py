"""`netsynchro`: the platform's flows as commands, for editors' software and for people.

Exit codes: 0 success; 2 wrong usage; 3 refused (certificate, school, product or flow not allowed);
4 not possible now (ordering rule, unknown year, stale cursor, import held for a supervisor's decision...);
5 rejected: an invalid file or request, or an import that ended rejected, with its report;
6 failed (platform unreachable or in error).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from netsynchro.certificates import Certificate
from netsynchro.client import Client
from netsynchro.cursors import FileCursorStore
from netsynchro.errors import (
    ImportRejectedError,
    InvalidRequestError,
    NetSynchroError,
    ProblemError,
    RefusedError,
)
from netsynchro.models import Export, SyncStatus
from netsynchro.progress import ProgressBar

EXIT_REFUSED, EXIT_NOT_NOW, EXIT_REJECTED, EXIT_FAILED = 3, 4, 5, 6
Command = Callable[[Client, argparse.Namespace], dict[str, Any]]


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        with open_client(args) as client:
            result = args.command(client, args)
    except ImportRejectedError as rejected:
        emit(args, {"erreur": "import-rejete", **rejected.status}, human=render_status(rejected.status))
        return EXIT_REJECTED
    except ProblemError as problem:
        emit(
            args,
            {"erreur": problem.problem},
            human=f"refus {problem.status} [{problem.code}] {problem.title}",
        )
        return EXIT_REFUSED if isinstance(problem, RefusedError) else _problem_exit(problem)
    except (NetSynchroError, OSError, ValueError) as error:
        emit(args, {"erreur": str(error)}, human=f"échec : {error}")
        return EXIT_FAILED
    emit(args, result, human=result.pop("_human", None))
    # Held by the safety valve: not a failure, not done either — a supervisor must decide.
    return EXIT_NOT_NOW if result.get("etat") == "held" else 0


def _problem_exit(problem: ProblemError) -> int:
    """A file or request the platform refuses as such is rejected (5); a conflict or an unknown year is
    not possible now (4); the platform's own failure is a failure (6)."""
    if problem.status >= 500:
        return EXIT_FAILED
    return EXIT_REJECTED if isinstance(problem, InvalidRequestError) else EXIT_NOT_NOW


def open_client(args: argparse.Namespace) -> Client:
    if args.p12:
        certificate = Certificate.from_pkcs12(
            args.p12, os.environ.get("NETSYNCHRO_P12_PASSWORD", args.password)
        )
    elif args.cert and args.key:
        certificate = Certificate.from_pem(args.cert, args.key)
    else:
        raise SystemExit("netsynchro : indiquez --p12 (ou --cert et --key)")
    return Client(args.url, certificate, ca_file=args.ca, cursors=FileCursorStore(args.cursors))


def emit(args: argparse.Namespace, data: dict[str, Any], *, human: str | None) -> None:
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        print(human if human is not None else json.dumps(data, ensure_ascii=False, indent=2, default=str))


# -- commands ------------------------------------------------------------------------------------------
def cmd_whoami(client: Client, _args: argparse.Namespace) -> dict[str, Any]:
    me = client.whoami()
    human = (
        f"{me['uai']} — {me['editeur']} / {me['produit']}"
        f" (n° {me['numero_serie']}, valide jusqu'au {me['valide_jusqu_au']})"
    )
    return {**me, "_human": human + "\nflux : " + ", ".join(me["flux_autorises"])}


def cmd_pull(client: Client, args: argparse.Namespace) -> dict[str, Any]:
    bar = ProgressBar(f"{args.flow}", enabled=None if not args.json else False)
    destination = Path(args.output) if args.output else None
    export = client.pull(
        args.flow,
        args.uai,
        args.year,
        export_format=args.format,
        since=args.since,
        incremental=args.incremental,
        with_addresses=not args.sans_adresses,
        destination=destination,
        progress=bar.transfer,
    )
    bar.finish()
    if destination is None and export.content is not None:
        sys.stdout.buffer.write(export.content)
        sys.stdout.flush()
    return describe_export(export)


def describe_export(export: Export) -> dict[str, Any]:
    data = {
        "flux": export.flow,
        "sync_id": export.sync_id,
        "octets": export.size,
        "fichier": str(export.path) if export.path else export.filename,
        "curseur_suivant": export.cursor,
        "type": export.kind,
        "etag": export.etag,
        "inchange": export.not_modified,
    }
    where = f" → {export.path}" if export.path else ""
    data["_human"] = f"{export.flow} : {export.size} octets{where} (sync {export.sync_id})"
    return data


def cmd_push(client: Client, args: argparse.Namespace) -> dict[str, Any]:
    receipt = client.push(
        args.flow,
        args.uai,
        args.year,
        Path(args.file),
        simulation=args.simulation,
        idempotency_key=args.idempotency_key,
    )
    result = {"sync_id": receipt.sync_id, "etat": receipt.state, "statut_url": receipt.status_url}
    result["idempotency_key"] = receipt.idempotency_key
    if args.wait:
        status = wait_with_progress(client, receipt.sync_id, args)
        return {**status.raw, "_human": render_status(status.raw)}
    return {**result, "_human": f"reçu : sync {receipt.sync_id} ({receipt.state})"}


def cmd_status(client: Client, args: argparse.Namespace) -> dict[str, Any]:
    status = client.status(args.sync_id)
    return {**status.raw, "_human": render_status(status.raw)}


def cmd_wait(client: Client, args: argparse.Namespace) -> dict[str, Any]:
    status = wait_with_progress(client, args.sync_id, args)
    return {**status.raw, "_human": render_status(status.raw)}


def wait_with_progress(client: Client, sync_id: str, args: argparse.Namespace) -> SyncStatus:
    bar = ProgressBar(f"sync {sync_id}", enabled=None if not args.json else False)
    try:
        return client.wait(sync_id, timeout=args.timeout, on_state=lambda status: bar.state(status.state))
    finally:
        bar.finish()


def cmd_can_run(client: Client, args: argparse.Namespace) -> dict[str, Any]:
    flows = client.can_run(args.uai, args.year)
    lines = [
        f"{'✔' if flow.get('autorise') else '✘'} {flow['nom']}"
        + (f" — {flow['raison']}" if flow.get("raison") else "")
        for flow in flows
    ]
    return {"flux": flows, "_human": "\n".join(lines)}


def render_status(status: dict[str, Any]) -> str:
    lines = [f"sync {status.get('sync_id')} : {status.get('etat')}"]
    if status.get("raison"):
        lines.append(f"  raison : {status['raison']}")
    if status.get("compteurs"):
        lines.append("  " + ", ".join(f"{k} {v}" for k, v in status["compteurs"].items()))
    for problem in status.get("rapport", [])[:50]:
        where = problem.get("path") or problem.get("chemin") or ""
        lines.append(
            f"  [{problem.get('code')}] {where} {problem.get('title') or problem.get('message', '')}"
        )
    return "\n".join(lines)


# -- arguments -----------------------------------------------------------------------------------------
def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(prog="netsynchro", description=__doc__.split("\n\n")[0])
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--url", default=os.environ.get("NETSYNCHRO_URL", "https://localhost:8443"))
    common.add_argument("--p12", default=os.environ.get("NETSYNCHRO_P12"), help="certificat PKCS#12")
    common.add_argument(
        "--password", default=None, help="mot de passe du PKCS#12 (ou NETSYNCHRO_P12_PASSWORD)"
    )
    common.add_argument("--cert", default=os.environ.get("NETSYNCHRO_CERT"), help="certificat PEM")
    common.add_argument("--key", default=os.environ.get("NETSYNCHRO_KEY"), help="clé PEM")
    common.add_argument("--ca", default=os.environ.get("NETSYNCHRO_CA"), help="autorité racine à croire")
    common.add_argument("--cursors", default=os.environ.get("NETSYNCHRO_CURSORS", str(_default_cursors())))
    common.add_argument("--json", action="store_true", help="sortie JSON pour les scripts")
    commands = main_parser.add_subparsers(required=True)
    _add(commands, common, "whoami", cmd_whoami, "ce que prouve le certificat")
    pull = _add(commands, common, "pull", cmd_pull, "récupérer un export", school=True)
    pull.add_argument("flow", metavar="FLUX")
    pull.add_argument("--format", default="xml", choices=["xml", "zip", "json"])
    pull.add_argument("--depuis", dest="since", help="curseur : seulement les changements")
    pull.add_argument("--incremental", action="store_true", help="depuis le dernier curseur mémorisé")
    pull.add_argument("--sans-adresses", action="store_true", help="eleves : ElevesSansAdresses")
    pull.add_argument("-o", "--output", help="fichier de sortie (sinon la sortie standard)")
    push = _add(commands, common, "push", cmd_push, "envoyer un import", school=True)
    push.add_argument("flow", metavar="FLUX", choices=["emploi-du-temps", "liens-eleves-groupes"])
    push.add_argument("file", metavar="FICHIER")
    push.add_argument("--simulation", action="store_true", help="verdict complet sans rien modifier")
    push.add_argument("--idempotency-key", dest="idempotency_key", help="Idempotency-Key à réutiliser")
    push.add_argument("--wait", action="store_true", help="attendre la fin du traitement")
    push.add_argument("--timeout", type=float, default=600)
    status = _add(commands, common, "status", cmd_status, "état d'une synchronisation")
    status.add_argument("sync_id")
    wait = _add(commands, common, "wait", cmd_wait, "attendre la fin d'une synchronisation")
    wait.add_argument("sync_id")
    wait.add_argument("--timeout", type=float, default=600)
    _add(commands, common, "can-run", cmd_can_run, "quels flux sont possibles maintenant", school=True)
    return main_parser


def _add(
    commands: Any,
    common: argparse.ArgumentParser,
    name: str,
    command: Command,
    help_text: str,
    *,
    school: bool = False,
) -> argparse.ArgumentParser:
    sub: argparse.ArgumentParser = commands.add_parser(name, parents=[common], help=help_text)
    sub.set_defaults(command=command)
    if school:
        sub.add_argument("--uai", required=True)
        sub.add_argument("--annee", dest="year", type=int, required=True, help="2026 pour 2026-2027")
    return sub


def _default_cursors() -> Path:
    return (
        Path(os.environ.get("XDG_STATE_HOME", Path.home() / ".local" / "state"))
        / "netsynchro"
        / "curseurs.json"
    )


if __name__ == "__main__":
    sys.exit(main())
