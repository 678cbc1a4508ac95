"""`netsynchro`: the platform's flows as commands, for editors' software and for people.

Safe in pipes and scripts: the data (an export, a status, a verdict) goes to standard output, or to the
file given with ``-o``; messages, progress and errors go to standard error. ``--json`` prints exactly one
JSON document (the result, or the error), on standard output — except for ``pull`` without ``-o``, whose
standard output is the exported file: its summary then goes to standard error. A closed pipe
(``| head -1``) ends quietly with exit 0.

Exit codes: 0 success; 2 wrong usage (unknown flow, missing argument); 3 refused (certificate, school,
product or flow not allowed); 4 not possible now (ordering rule, unknown year, stale cursor, import held
for a supervisor's decision...); 5 rejected: an invalid file or request, or an import that ended rejected,
with its report; 6 failed (platform unreachable or in error); 7 the certificate cannot be used (file
missing, wrong PKCS#12 password, unknown root CA); 8 a local file cannot be read or written.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, TextIO

from netsynchro.certificates import Certificate
from netsynchro.client import Client
from netsynchro.cursors import FileCursorStore
from netsynchro.errors import (
    CertificateError,
    ImportRejectedError,
    InvalidRequestError,
    NetSynchroError,
    ProblemError,
    RefusedError,
    TransportError,
)
from netsynchro.models import Export, ReportEntry, SyncStatus
from netsynchro.progress import ProgressBar

EXIT_USAGE, EXIT_REFUSED, EXIT_NOT_NOW, EXIT_REJECTED, EXIT_FAILED = 2, 3, 4, 5, 6
EXIT_CERTIFICATE, EXIT_FILE = 7, 8
EXPORT_FLOWS = (
    "eleves",
    "responsables",
    "nomenclatures",
    "structures",
    "etablissement",
    "emploi-du-temps",
    "historique-eleves",
)
IMPORT_FLOWS = ("emploi-du-temps", "liens-eleves-groupes")

STATE_LABELS = {
    "received": "reçue",
    "validated": "validée",
    "queued": "en file",
    "waiting": "en attente",
    "held": "retenue pour la décision d'un superviseur",
    "served": "servie",
    "applied": "appliquée",
    "partially_applied": "appliquée en partie",
    "refused": "refusée",
    "rejected": "rejetée",
    "failed": "en échec",
}
_CHANGES = {"added": "ajouts", "changed": "modifications", "removed": "suppressions", "rejected": "rejetés"}
_ENTITIES = {"SERVICE": "services", "GROUPE": "groupes", "ALTERNANCE": "alternances", "LIEN": "liens"}
_ENTITIES |= {"ELEVE": "élèves", "COURS": "cours"}


@dataclass
class Result:
    """What a command produced: the data (for ``--json``) and how a person reads it."""

    data: dict[str, Any]
    human: str
    data_on_stdout: bool = False  # the command already wrote its data (an export) to standard output
    exit_code: int = 0
    human_is_message: bool = False  # the human text is a summary, not the data: standard error


Command = Callable[[Client, argparse.Namespace], Result]


class Failure(Exception):
    """An error as the command reports it: exit code, French message, and the JSON document."""

    def __init__(self, exit_code: int, message: str, document: dict[str, Any]) -> None:
        super().__init__(message)
        self.exit_code, self.message, self.document = exit_code, message, document


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        try:
            result = run(args)
        except Failure as failure:
            _report_failure(args, failure)
            return failure.exit_code
        _report(args, result)
        return result.exit_code
    except BrokenPipeError:
        # The reader went away (`| head -1`): what it wanted it has; no traceback, no message.
        _silence_stdout()
        return 0


def run(args: argparse.Namespace) -> Result:
    try:
        with open_client(args) as client:
            result: Result = args.command(client, args)
            return result
    except ImportRejectedError as rejected:
        raise Failure(
            EXIT_REJECTED, render_status(rejected.status), {"erreur": "import-rejete", **rejected.status}
        ) from None
    except ProblemError as problem:
        code = _problem_exit(problem)
        message = f"{_PROBLEM_WORDS[code]} (HTTP {problem.status}) [{problem.code}] {problem.title}"
        if problem.detail:
            message += f"\n  {problem.detail}"
        if problem.sync_id:
            message += f"\n  (sync {problem.sync_id})"
        raise Failure(code, message, {"erreur": problem.problem}) from None
    except CertificateError as error:
        raise Failure(
            EXIT_CERTIFICATE, f"certificat inutilisable : {error}", _error_doc("certificat", error)
        ) from None
    except TransportError as error:
        raise Failure(
            EXIT_FAILED, _transport_message(error), _error_doc("plateforme-injoignable", error)
        ) from None
    except NetSynchroError as error:
        raise Failure(EXIT_FAILED, f"échec : {error}", _error_doc("echec", error)) from None
    except BrokenPipeError:
        raise
    except OSError as error:
        where = f"{error.filename} : " if error.filename else ""
        message = f"fichier local inaccessible : {where}{error.strerror or error}"
        raise Failure(EXIT_FILE, message, _error_doc("fichier-local", error)) from None


def _error_doc(code: str, error: Exception) -> dict[str, Any]:
    return {"erreur": {"code": code, "title": str(error)}}


def _transport_message(error: TransportError) -> str:
    if "CERTIFICATE_VERIFY_FAILED" in str(error):
        return (
            "le certificat de la plateforme n'est pas reconnu : indiquez son autorité racine avec --ca "
            "(ou NETSYNCHRO_CA)."
        )
    return f"plateforme injoignable : {error}"


_PROBLEM_WORDS = {
    EXIT_REFUSED: "refusé",
    EXIT_REJECTED: "rejeté",
    EXIT_NOT_NOW: "impossible maintenant",
    EXIT_FAILED: "erreur de la plateforme",
}


def _problem_exit(problem: ProblemError) -> int:
    """A file or request the platform refuses as such is rejected (5); a conflict or an unknown year is
    not possible now (4); the platform's own failure is a failure (6)."""
    if isinstance(problem, RefusedError):
        return EXIT_REFUSED
    if problem.status >= 500:
        return EXIT_FAILED
    return EXIT_REJECTED if isinstance(problem, InvalidRequestError) else EXIT_NOT_NOW


def open_client(args: argparse.Namespace) -> Client:
    # What the command line names wins over the environment: `--cert/--key` over NETSYNCHRO_P12.
    p12, cert, key = args.p12, args.cert, args.key
    if not p12 and not (cert and key):
        p12 = os.environ.get("NETSYNCHRO_P12")
        cert, key = os.environ.get("NETSYNCHRO_CERT"), os.environ.get("NETSYNCHRO_KEY")
    if p12:
        certificate = Certificate.from_pkcs12(p12, args.password or os.environ.get("NETSYNCHRO_P12_PASSWORD"))
    elif cert and key:
        certificate = Certificate.from_pem(cert, key)
    else:
        raise Failure(
            EXIT_USAGE,
            "indiquez le certificat : --p12 (ou --cert et --key, ou NETSYNCHRO_P12).",
            {"erreur": {"code": "certificat-manquant", "title": "certificat manquant"}},
        )
    return Client(args.url, certificate, ca_file=args.ca, cursors=FileCursorStore(args.cursors))


# -- output --------------------------------------------------------------------------------------------
def _report(args: argparse.Namespace, result: Result) -> None:
    stream = sys.stderr if result.data_on_stdout else sys.stdout
    if args.json:
        _print(stream, json.dumps(result.data, ensure_ascii=False, indent=2, default=str))
    else:
        _print(sys.stderr if result.human_is_message else stream, result.human)


def _report_failure(args: argparse.Namespace, failure: Failure) -> None:
    if args.json:
        # One document on standard output, unless standard output carries an export.
        stream = sys.stderr if _pulls_to_stdout(args) else sys.stdout
        _print(stream, json.dumps(failure.document, ensure_ascii=False, indent=2, default=str))
    else:
        _print(sys.stderr, f"netsynchro : {failure.message}")


def _pulls_to_stdout(args: argparse.Namespace) -> bool:
    return args.command is cmd_pull and not args.output


def _print(stream: TextIO, text: str) -> None:
    stream.write(text + "\n")
    stream.flush()


def _silence_stdout() -> None:
    """Point standard output at /dev/null so the interpreter's final flush cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


# -- commands ------------------------------------------------------------------------------------------
def cmd_whoami(client: Client, _args: argparse.Namespace) -> Result:
    me = client.whoami()
    human = (
        f"{me['uai']} — {me['editeur']} / {me['produit']}"
        f" (n° {me['numero_serie']}, valide jusqu'au {me['valide_jusqu_au']})"
    )
    return Result(me, human + "\nflux : " + ", ".join(me["flux_autorises"]))


def cmd_pull(client: Client, args: argparse.Namespace) -> Result:
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
    to_stdout = destination is None
    if to_stdout and export.content is not None:
        sys.stdout.buffer.write(export.content)
        sys.stdout.flush()
    data, human = describe_export(export)
    # The summary is a message: on standard error, so `pull … > fichier.xml` keeps the file whole.
    return Result(data, human, data_on_stdout=to_stdout, human_is_message=True)


def describe_export(export: Export) -> tuple[dict[str, Any], str]:
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
    if export.not_modified:
        return data, f"{export.flow} : inchangé depuis le dernier export (sync {export.sync_id})"
    return data, f"{export.flow} : {export.size} octets{where} (sync {export.sync_id})"


def cmd_push(client: Client, args: argparse.Namespace) -> Result:
    receipt = client.push(
        args.flow,
        args.uai,
        args.year,
        Path(args.file),
        simulation=args.simulation,
        idempotency_key=args.idempotency_key,
    )
    if receipt.verdict is not None:
        return _status_result(receipt.verdict)
    if args.wait:
        return _status_result(wait_with_progress(client, receipt.sync_id, args).raw)
    data = {
        "sync_id": receipt.sync_id,
        "etat": receipt.state,
        "statut_url": receipt.status_url,
        "idempotency_key": receipt.idempotency_key,
    }
    human = (
        f"reçu : sync {receipt.sync_id} ({state_label(receipt.state)}) ; "
        f"suivre avec `netsynchro wait {receipt.sync_id}`"
    )
    return Result(data, human)


def cmd_status(client: Client, args: argparse.Namespace) -> Result:
    return _status_result(client.status(args.sync_id).raw, final_only=False)


def cmd_wait(client: Client, args: argparse.Namespace) -> Result:
    return _status_result(wait_with_progress(client, args.sync_id, args).raw)


def _status_result(status: dict[str, Any], *, final_only: bool = True) -> Result:
    """A verdict's exit code: held is not possible now (4), rejected or failed is rejected (5)."""
    state = status.get("etat")
    code = EXIT_NOT_NOW if state == "held" else 0
    if final_only and state in ("rejected", "failed"):
        code = EXIT_REJECTED
    return Result(status, render_status(status), exit_code=code)


def wait_with_progress(client: Client, sync_id: str, args: argparse.Namespace) -> SyncStatus:
    bar = ProgressBar(f"sync {sync_id}", enabled=None if not args.json else False)
    try:
        return client.wait(
            sync_id, timeout=args.timeout, on_state=lambda status: bar.state(state_label(status.state))
        )
    finally:
        bar.finish()


def cmd_can_run(client: Client, args: argparse.Namespace) -> Result:
    flows = client.can_run(args.uai, args.year)
    lines = [
        f"{'✔' if flow.get('autorise') else '✘'} {flow['nom']} ({direction_label(flow.get('sens'))})"
        + (f" — {flow['raison']}" if flow.get("raison") else "")
        for flow in flows
    ]
    return Result({"flux": flows}, "\n".join(lines))


def state_label(state: str | None) -> str:
    return STATE_LABELS.get(state or "", state or "état inconnu")


def direction_label(direction: str | None) -> str:
    return {"export": "export : pull", "import": "import : push"}.get(direction or "", "—")


def count_label(key: str) -> str:
    entity, _, kind = key.partition(".")
    if not kind:
        return _CHANGES.get(key) or _ENTITIES.get(key, key)
    return f"{_ENTITIES.get(entity, entity.lower())} ({_CHANGES.get(kind, kind)})"


def render_status(status: dict[str, Any]) -> str:
    """The verdict for a person: state, reason, counts, then every problem with where it is."""
    simulation = " — simulation, rien n'a été modifié" if status.get("simulation") else ""
    lines = [f"sync {status.get('sync_id')} : {state_label(status.get('etat'))}{simulation}"]
    if status.get("raison"):
        lines.append(f"  raison : {status['raison']}")
    if status.get("compteurs"):
        lines.append("  " + ", ".join(f"{count_label(k)} {v}" for k, v in status["compteurs"].items()))
    report = [ReportEntry.from_json(entry) for entry in status.get("rapport", [])]
    if report:
        lines.append(f"  {len(report)} problème(s) :")
    for problem in report:
        where = f"ligne {problem.line}" if problem.line is not None else "ligne ?"
        lines.append(f"  {where} : [{problem.code}] {problem.title}")
        if problem.detail:
            lines.append(f"      {problem.detail}")
        if problem.path:
            lines.append(f"      à {problem.path}")
    return "\n".join(lines)


# -- arguments -----------------------------------------------------------------------------------------
_ARGPARSE_FRENCH = (
    (r"the following arguments are required: (.*)", r"arguments obligatoires manquants : \1"),
    (r"unrecognized arguments: (.*)", r"arguments inconnus : \1"),
    (
        r"argument (.*?): invalid choice: (.*?) \(choose from (.*)\)",
        r"argument \1 : choix inconnu \2 (parmi \3)",
    ),
    (r"argument (.*?): expected one argument", r"argument \1 : une valeur est attendue"),
    (r"argument (.*?): invalid (\w+) value: (.*)", r"argument \1 : valeur invalide \3"),
    (r"ambiguous option: (.*)", r"option ambiguë : \1"),
    (r"^argument ([^:]*?): (.*)", r"argument \1 : \2"),
)


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, prefix if prefix is not None else "utilisation : ")


class _Parser(argparse.ArgumentParser):
    """argparse speaking French: the usage line, the section titles and the errors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "arguments"
        self._optionals.title = "options"
        self.add_argument("-h", "--help", action="help", help="afficher cette aide")

    def error(self, message: str) -> NoReturn:
        for pattern, french in _ARGPARSE_FRENCH:
            message = re.sub(pattern, french, message)
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"netsynchro : {message}\n")


def _flow(known: tuple[str, ...], what: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        if value not in known:
            raise argparse.ArgumentTypeError(
                f"flux inconnu « {value} » ; les flux {what} sont : {', '.join(known)}"
            )
        return value

    check.__name__ = "flux"
    return check


def parser() -> argparse.ArgumentParser:
    main_parser = _Parser(prog="netsynchro", description=__doc__.split("\n\n")[0])
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--url",
        default=os.environ.get("NETSYNCHRO_URL", "https://localhost:8443"),
        help="adresse de la passerelle",
    )
    common.add_argument("--p12", help="certificat PKCS#12 (ou NETSYNCHRO_P12)")
    common.add_argument(
        "--password", default=None, help="mot de passe du PKCS#12 (ou NETSYNCHRO_P12_PASSWORD)"
    )
    common.add_argument("--cert", help="certificat PEM (ou NETSYNCHRO_CERT)")
    common.add_argument("--key", help="clé PEM (ou NETSYNCHRO_KEY)")
    common.add_argument("--ca", default=os.environ.get("NETSYNCHRO_CA"), help="autorité racine à croire")
    common.add_argument("--cursors", default=os.environ.get("NETSYNCHRO_CURSORS", str(_default_cursors())))
    common.add_argument("--json", action="store_true", help="un document JSON, pour les scripts")
    commands = main_parser.add_subparsers(required=True, title="commandes", metavar="COMMANDE")
    _add(commands, common, "whoami", cmd_whoami, "ce que prouve le certificat")
    pull = _add(commands, common, "pull", cmd_pull, "récupérer un export", school=True)
    pull.add_argument(
        "flow", metavar="FLUX", type=_flow(EXPORT_FLOWS, "exportables"), help=", ".join(EXPORT_FLOWS)
    )
    pull.add_argument("--format", default="xml", choices=["xml", "zip", "json"])
    pull.add_argument("--depuis", dest="since", help="curseur : seulement les changements")
    pull.add_argument("--incremental", action="store_true", help="depuis le dernier curseur mémorisé")
    pull.add_argument("--sans-adresses", action="store_true", help="eleves : ElevesSansAdresses")
    pull.add_argument("-o", "--output", help="fichier de sortie (sinon la sortie standard)")
    push = _add(commands, common, "push", cmd_push, "envoyer un import", school=True)
    push.add_argument(
        "flow", metavar="FLUX", type=_flow(IMPORT_FLOWS, "d'import"), help=", ".join(IMPORT_FLOWS)
    )
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
    sub: argparse.ArgumentParser = commands.add_parser(
        name, parents=[common], help=help_text, description=help_text
    )
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
