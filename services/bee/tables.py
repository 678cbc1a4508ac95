"""BEE's records by kind: where each is stored, its journal entity, and its natural key in the files.

Journal entities are named ``<file>/<ELEMENT>``: the Eleves and Responsables files both have an
``ADRESSE``, and each file's addresses are its own.
"""

from __future__ import annotations

from services.bee.links import StructureLinks
from services.bee.models import (
    AdresseEleveRow,
    AdresseResponsableRow,
    BourseRow,
    DivisionRow,
    EleveRow,
    GroupeRow,
    OptionRow,
    PersonneRow,
    ResponsableEleveRow,
)
from services.common.formats import bee_eleves as be
from services.common.formats import bee_responsables as br
from services.common.formats import bee_structures as bs
from services.common.formats.common import Adresse
from services.common.pull.store import RecordTable

ELEVE_ID = (("eleve_id",), ("ELEVE_ID",))

ELEVES = RecordTable("eleves/ELEVE", "ELEVE", EleveRow, be.Eleve, *ELEVE_ID)
OPTIONS = RecordTable("eleves/OPTION", "OPTION", OptionRow, be.Option, *ELEVE_ID)
BOURSES = RecordTable("eleves/BOURSE", "BOURSE", BourseRow, be.BourseEleve, *ELEVE_ID)
ADRESSES_ELEVES = RecordTable(
    "eleves/ADRESSE", "ADRESSE", AdresseEleveRow, Adresse, ("adresse_id",), ("ADRESSE_ID",)
)
STRUCTURES_ELEVES = StructureLinks()

PERSONNES = RecordTable(
    "responsables/PERSONNE", "PERSONNE", PersonneRow, br.Personne, ("personne_id",), ("PERSONNE_ID",)
)
RESPONSABLES = RecordTable(
    "responsables/RESPONSABLE_ELEVE",
    "RESPONSABLE_ELEVE",
    ResponsableEleveRow,
    br.ResponsableEleve,
    ("eleve_id", "personne_id"),
    ("ELEVE_ID", "PERSONNE_ID"),
)
ADRESSES_RESPONSABLES = RecordTable(
    "responsables/ADRESSE", "ADRESSE", AdresseResponsableRow, Adresse, ("adresse_id",), ("ADRESSE_ID",)
)

CODE_STRUCTURE = (("code_structure",), ("CODE_STRUCTURE",))
DIVISIONS = RecordTable("structures/DIVISION", "DIVISION", DivisionRow, bs.Division, *CODE_STRUCTURE)
GROUPES = RecordTable("structures/GROUPE", "GROUPE", GroupeRow, bs.Groupe, *CODE_STRUCTURE)

# Documents kept whole (see services.bee.documents): one journal entry each.
NOMENCLATURES_ENTITY = "nomenclatures/BEE_NOMENCLATURES"
ETABLISSEMENT_ENTITY = "etablissement/BEE_COMMUN"
