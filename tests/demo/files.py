"""Every file of a demo school, written by its codec, with the XSD it must satisfy."""

from __future__ import annotations

from services.common.demo import DemoSchool
from services.common.formats.bee_commun import write_bee_commun
from services.common.formats.bee_eleves import write_bee_eleves
from services.common.formats.bee_nomenclatures import write_bee_nomenclatures
from services.common.formats.bee_responsables import write_bee_responsables
from services.common.formats.bee_structures import write_bee_structures
from services.common.formats.edt_sts import EdtSts, write_edt_sts
from services.common.formats.import_eleves import write_import_eleves
from services.common.formats.sts_edt import write_sts_edt
from services.common.formats.sts_services import Cours, Service


def written(school: DemoSchool) -> dict[str, bytes]:
    """XSD name -> the file's bytes."""
    return {
        "bee_eleves": write_bee_eleves(school.eleves),
        "bee_responsables": write_bee_responsables(school.responsables),
        "bee_structures": write_bee_structures(school.structures),
        "bee_commun": write_bee_commun(school.commun),
        "bee_nomenclatures": write_bee_nomenclatures(school.nomenclatures),
        "sts_edt": write_sts_edt(school.sts_edt),
        "edt_sts": write_edt_sts(school.edt_sts),
        "import_eleves": write_import_eleves(school.import_eleves),
    }


def services(timetable: EdtSts) -> list[Service]:
    """The services of every division and group of ``timetable``."""
    return [service for d in timetable.divisions for service in d.services] + [
        service for g in timetable.groupes for service in g.services
    ]


def courses(timetable: EdtSts) -> list[Cours]:
    return [cours for service in services(timetable) for e in service.enseignants for cours in e.cours]
