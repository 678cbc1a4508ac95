"""Every subject of ``services.common.subjects`` has a declared contract, and what its producer emits is
read by its consumer's model.

The walk over ``subjects`` fails on a new name that is neither declared in
``services.common.contracts.registry`` nor listed there as not a subject. For each contract, a message
is built the way its producer builds it (the producer's own code where it has a builder), sent as bytes,
and read with the model the consumer uses; every model of a contract refuses unknown fields.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any, cast, get_args, get_origin

import pytest
from pydantic import BaseModel, ValidationError
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common import subjects
from services.common.contracts import (
    CertificateAction,
    ExportDetails,
    ImportDetails,
    ReportEntry,
    RolloverDetails,
    SyncEvent,
    SyncState,
)
from services.common.contracts.registry import (
    NOT_SUBJECTS,
    Kind,
    SubjectContract,
    all_contracts,
    check_request_reply,
    contract_of,
)
from services.common.diagnosis import (
    BeeGroupAnswer,
    GroupQuestion,
    QualityReport,
    QualityRequest,
    StsGroupAnswer,
    TeacherService,
)
from services.common.events import Direction
from services.common.exports import ExportHead, ExportKind, ExportRequest
from services.common.identity import EditorIdentity
from services.common.imports import (
    ImportJob,
    ImportStatus,
    SchoolImportState,
    SchoolStateRequest,
    StatusRequest,
    StructureSnapshot,
)
from services.common.rollover import (
    BeeBascule,
    BeeBasculeReport,
    BeeFacts,
    Catalogue,
    CatalogueRequest,
    LoadNomenclatures,
    Profile,
    RolloverQuery,
    Step,
    StepOutcome,
    StsBascule,
    StsFacts,
)
from services.common.trustfeed import CertificateRevoked, EditorAccreditation
from services.gateway.sync import Exchange
from services.ginweb import audit
from services.ginweb.models import Certificate
from services.supervision.schemas import LiveSync

UAI, YEAR, NOW = "0310053P", 2026, datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


def _subject_names(module: ModuleType) -> set[str]:
    """The names ``subjects`` defines (not what it imports)."""
    names = set()
    for name, value in vars(module).items():
        if name.startswith("_") or inspect.ismodule(value):
            continue
        if inspect.isfunction(value) or inspect.isclass(value):
            if value.__module__ != module.__name__:
                continue
        elif not isinstance(value, (str, int, tuple, subjects.StreamSpec)):
            continue
        names.add(name)
    return names


def test_every_name_of_subjects_is_a_declared_contract_or_listed_as_not_a_subject() -> None:
    names = _subject_names(subjects)
    declared = {contract.name for contract in all_contracts()}
    assert sorted(names - declared - set(NOT_SUBJECTS)) == [], "subjects without a contract"
    assert sorted((declared | set(NOT_SUBJECTS)) - names) == [], "contracts of names subjects no longer has"


# A concrete subject per contract, built with subjects' own functions and constants.
def _concrete(contract: SubjectContract) -> str:
    value = getattr(subjects, contract.name)
    if isinstance(value, str):
        return value
    arguments = {
        "flow": "eleves",
        "uai": UAI,
        "kind": "served",
        "serial_hex": "0A1B",
        "editor": "index-education",
        "academie": "toulouse",
        "service": "sts",
        "year": YEAR,
    }
    parameters = inspect.signature(value).parameters
    return cast(str, value(**{name: arguments[name] for name in parameters}))


@pytest.mark.parametrize("contract", all_contracts(), ids=lambda c: c.name)
def test_each_contract_pattern_matches_the_subjects_its_producer_publishes_on(
    contract: SubjectContract,
) -> None:
    assert contract_of(_concrete(contract)) == contract


def _models(model: type[BaseModel]) -> set[type[BaseModel]]:
    """``model`` and every model nested in its fields."""
    found = {model}
    for field in model.model_fields.values():
        stack = [field.annotation]
        while stack:
            annotation = stack.pop()
            if isinstance(annotation, type) and issubclass(annotation, BaseModel) and annotation not in found:
                found |= _models(annotation)
            stack.extend(get_args(annotation) if get_origin(annotation) is not None else ())
    return found


@pytest.mark.parametrize("contract", all_contracts(), ids=lambda c: c.name)
def test_every_model_of_a_contract_refuses_unknown_fields(contract: SubjectContract) -> None:
    for declared in (contract.message, contract.reply):
        for model in _models(declared) if declared else ():
            assert model.model_config.get("extra") == "forbid", f"{contract.subject}: {model.__name__}"


# -- what each producer emits ---------------------------------------------------------------------
def _identity() -> EditorIdentity:
    return EditorIdentity(
        UAI,
        "index-education",
        "edt",
        0x0A1B,
        NOW - timedelta(days=1),
        NOW + timedelta(days=300),
        "CN=0310053P",
    )


def _sync_events() -> list[BaseModel]:
    """Sync events as the gateway, the import workers, the rollover and GIN-WEB build them."""
    exchange = Exchange(
        "01JZ0000000000000000000000", "eleves", Direction.EXPORT, uai=UAI, year=YEAR, identity=_identity()
    )
    served = exchange.event(
        SyncState.SERVED,
        http_status=200,
        details=ExportDetails(format="application/xml", type_export="complet"),
    )
    refused = Exchange("01JZ0000000000000000000001", "eleves", Direction.EXPORT, uai=UAI, year=YEAR).event(
        SyncState.REFUSED, http_status=401, problem_code="certificat-absent", message="Aucun certificat."
    )
    job = ImportJob(
        sync_id="01JZ0000000000000000000002", flow="emploi-du-temps", uai=UAI, year=YEAR, simulation=True
    )
    report = [
        ReportEntry(
            code="division-inconnue", title="Division inconnue de STS.", path="/STS_EDT/DIVISION[2]", line=4
        )
    ]
    imported = job.event(
        SyncState.SERVED,
        "simulation",
        details=ImportDetails(report=report, simulation=True, verdict=SyncState.REJECTED),
    )
    rolled = StepOutcome(
        etape=Step.BASCULE_STS, uai=UAI, annee=YEAR, faite=True, message="Bascule faite."
    ).event(RolloverDetails(groupes=True))
    return [served, refused, imported, rolled, *_ginweb_audits()]


class _Outbox:
    """Stands for GIN-WEB's session: collects what the audit would put in the outbox."""

    def __init__(self) -> None:
        self.payloads: list[dict[str, Any]] = []

    def add(self, row: Any) -> None:
        self.payloads.append(row.payload)


def _ginweb_audits() -> list[BaseModel]:
    outbox = _Outbox()
    certificate = Certificate(
        serial="0A1B",
        uai=UAI,
        editor_id="index-education",
        product_id="edt",
        method="csr",
        pem="",
        not_before=NOW,
        not_after=NOW + timedelta(days=300),
        issued_at=NOW,
        issued_by="chef",
    )
    db = cast(AsyncSession, outbox)
    audit.record_certificate(db, certificate, CertificateAction.ISSUED, "Certificat délivré")
    certificate.revoked_at = NOW
    audit.record_certificate(
        db, certificate, CertificateAction.REVOKED, "Certificat révoqué", reason="keyCompromise"
    )
    # GIN-WEB's outbox stores the event as JSON: rebuild what the relay publishes, as a model to send.
    return [SyncEvent.model_validate(payload) for payload in outbox.payloads]


def _outcome() -> StepOutcome:
    return StepOutcome(etape=Step.PROFILAGE, uai=UAI, annee=YEAR, faite=True, message="Profilage fait.")


def _status() -> ImportStatus:
    return ImportStatus(
        sync_id="01JZ0000000000000000000002",
        flux="emploi-du-temps",
        uai=UAI,
        annee=YEAR,
        etat=SyncState.PARTIALLY_APPLIED,
        rapport=[ReportEntry(code="c", title="t", line=3)],
    )


PRODUCED: dict[str, Callable[[], list[BaseModel]]] = {
    "bee_export": lambda: [
        ExportRequest(sync_id="s", uai=UAI, year=YEAR, flow="eleves"),
        ExportHead(etag='"e"', cursor="c", kind=ExportKind.FULL),
    ],
    "sts_export": lambda: [
        ExportRequest(sync_id="s", uai=UAI, year=YEAR, flow="structures"),
        ExportHead(etag='"e"', cursor="c"),
    ],
    "sync_event_subject": _sync_events,
    "revocation_subject": lambda: [
        CertificateRevoked(
            serial="0A1B",
            uai=UAI,
            editor="index-education",
            product="edt",
            revoked_at=NOW,
            reason="keyCompromise",
        )
    ],
    "accreditation_subject": lambda: [
        EditorAccreditation(
            editor="index-education", active=True, products={"edt": ["emploi-du-temps"]}, changed_at=NOW
        )
    ],
    "supervision_live": lambda: [],  # built from a stored sync: see test_supervision_live_is_a_sync_read
    "import_subject": lambda: [ImportJob(sync_id="s", flow="liens-eleves-groupes", uai=UAI, year=YEAR)],
    "import_status": lambda: [StatusRequest(sync_id="s"), _status()],
    "import_simulation": lambda: [
        ImportJob(sync_id="s", flow="emploi-du-temps", uai=UAI, year=YEAR, simulation=True),
        _status(),
    ],
    "import_school_state": lambda: [
        SchoolStateRequest(uai=UAI, year=YEAR, before_seq=3),
        SchoolImportState(service="sts", uai=UAI, year=YEAR, annee_ouverte=True),
    ],
    "structures_subject": lambda: [
        StructureSnapshot(uai=UAI, year=YEAR, version=2, divisions=[{"code": "3A"}])
    ],
    "BEE_QUALITY_REPORT": lambda: [
        QualityRequest(uai=UAI, year=YEAR),
        QualityReport(uai=UAI, year=YEAR, generated_at=NOW, students_total=3, guardians_total=4),
    ],
    "BEE_DIAGNOSIS_GROUP": lambda: [
        GroupQuestion(uai=UAI, year=YEAR, group_code="3A_ANG"),
        BeeGroupAnswer(group_found=True, students_linked=2),
    ],
    "STS_DIAGNOSIS_GROUP": lambda: [
        GroupQuestion(uai=UAI, year=YEAR, group_code="3A_ANG", teacher="DUPONT"),
        StsGroupAnswer(group_found=True, services=[TeacherService(teacher_id="1", name="DUPONT Jean")]),
    ],
    "STS_ROLLOVER_STATUS": lambda: [
        RolloverQuery(uai=UAI, year=YEAR),
        StsFacts(uai=UAI, year=YEAR, annee_precedente=True),
    ],
    "STS_ROLLOVER_PROFILE": lambda: [Profile(uai=UAI, year=YEAR, mefs=["1001000C11A"]), _outcome()],
    "STS_ROLLOVER_BASCULE": lambda: [StsBascule(uai=UAI, year=YEAR, groupes=True), _outcome()],
    "STS_ROLLOVER_STRUCTURES": lambda: [
        RolloverQuery(uai=UAI, year=YEAR),
        StructureSnapshot(uai=UAI, year=YEAR, version=1),
    ],
    "BEE_ROLLOVER_STATUS": lambda: [
        RolloverQuery(uai=UAI, year=YEAR),
        BeeFacts(uai=UAI, year=YEAR, academie="toulouse", annee_precedente=True),
    ],
    "BEE_ROLLOVER_NOMENCLATURES": lambda: [
        LoadNomenclatures(academie="toulouse", year=YEAR, object_name="01JZ"),
        _outcome(),
    ],
    "BEE_ROLLOVER_CATALOGUE": lambda: [
        CatalogueRequest(uai=UAI, year=YEAR, mefs=[], matieres=[]),
        Catalogue(matieres=[], mefs=[], civilites=[], programmes=[]),
    ],
    "BEE_ROLLOVER_BASCULE": lambda: [
        BeeBascule(year=YEAR, academie="toulouse"),
        BeeBasculeReport(annee=YEAR, academie="toulouse", etablissements=[_outcome()]),
    ],
}


def test_every_contract_has_its_producers_messages_here() -> None:
    assert set(PRODUCED) == {contract.name for contract in all_contracts()}


@pytest.mark.parametrize("contract", all_contracts(), ids=lambda c: c.name)
def test_what_the_producer_emits_is_read_by_the_consumers_model(contract: SubjectContract) -> None:
    for message in PRODUCED[contract.name]():
        # Which of the pair: a request/reply's reply is the second model.
        expected = (
            contract.reply
            if contract.reply is not None and isinstance(message, contract.reply)
            else contract.message
        )
        assert isinstance(message, expected), (
            f"{contract.subject}: {type(message).__name__} is not {expected.__name__}"
        )
        read = expected.model_validate_json(message.model_dump_json())
        assert read == message
        # A field the consumer does not know is refused at the boundary, with the model named.
        tampered = {**message.model_dump(mode="json"), "champ_inconnu": 1}
        with pytest.raises(ValidationError, match=expected.__name__):
            expected.model_validate(tampered)


def test_the_certificate_audit_says_what_supervision_needs() -> None:
    issued, revoked = _ginweb_audits()
    assert isinstance(issued, SyncEvent)
    assert isinstance(revoked, SyncEvent)
    assert issued.details is not None
    assert issued.details.kind == "certificat"
    assert (issued.certificate_serial, issued.certificate_not_after) == ("0A1B", NOW + timedelta(days=300))
    assert revoked.model_dump()["details"]["action"] == CertificateAction.REVOKED


def test_supervision_live_is_a_sync_read() -> None:
    assert issubclass(LiveSync, BaseModel)
    [contract] = [c for c in all_contracts() if c.name == "supervision_live"]
    assert (contract.kind, contract.message) == (Kind.BROADCAST, LiveSync)


def test_request_reply_refuses_models_other_than_the_declared_ones() -> None:
    check_request_reply(subjects.import_status("bee"), StatusRequest, ImportStatus)
    with pytest.raises(TypeError, match="declared StatusRequest -> ImportStatus"):
        check_request_reply(subjects.import_status("bee"), StatusRequest, SchoolImportState)
    with pytest.raises(TypeError, match="no request/reply contract"):
        check_request_reply("bee.nouveau.sujet", StatusRequest, ImportStatus)
