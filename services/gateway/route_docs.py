"""What the API reference says about each route: French summary and description, examples, problem codes.

One entry per operation of the gateway (``tests/gateway/test_api_docs.py`` fails on a route without one,
and on a code missing from the error catalogue). ``problems`` lists the codes the route itself can
answer; the codes every route shares (certificate, school, flow, availability) are added by
:mod:`services.gateway.openapi_doc`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SCHOOL = "/v1/etablissements/{uai}/annees/{annee}"
SYNC_ID = "01JE8Z6Q3X4M2N7P9R5T0V1W2Y"


@dataclass(frozen=True)
class RouteDoc:
    summary: str
    description: str
    problems: tuple[str, ...] = ()
    school: bool = True  # under /v1/etablissements/{uai}/annees/{annee}: the school and flow checks apply
    request_example: str | None = None  # the body of a push
    response_media: str = "application/json"
    response_example: object = None
    extra: dict[str, str] = field(default_factory=dict)


_EXPORT_TEXT = (
    "Le fichier est servi dans son format réel (XML ISO-8859-15, tel que SIECLE ou STS-WEB l'écrit) ; "
    "`?format=zip` donne le zip que SIECLE diffuse, `?format=json` le même contenu en JSON. "
    "L'en-tête `Curseur` de la réponse (et l'élément de fin du JSON) est à conserver : `?depuis=<curseur>` "
    "ne renvoie ensuite que les changements, avec les suppressions (`suppressions` en JSON, éléments "
    "`SUPPRESSION` en XML) à appliquer. Un curseur trop ancien est refusé (`409 curseur-perime`) : "
    "refaites alors un export complet. `If-None-Match` avec l'`ETag` reçu donne `304` si rien n'a changé."
)
_EXPORT_PROBLEMS = ("curseur-invalide", "curseur-perime", "annee-inconnue", "service-sans-reponse")
_STRUCTURES_XML = (
    '<?xml version="1.0" encoding="ISO-8859-15"?>\n<BEE_STRUCTURES>\n  <PARAMETRES>\n'
    "    <UAJ>0319999A</UAJ>\n    <ANNEE_SCOLAIRE>2026</ANNEE_SCOLAIRE>\n    …\n  </PARAMETRES>\n"
    '  <DONNEES>\n    <DIVISIONS>\n      <DIVISION CODE_STRUCTURE="3A">…</DIVISION>\n    </DIVISIONS>\n'
    "  </DONNEES>\n</BEE_STRUCTURES>"
)


def _export(title: str, root: str, description: str, *problems: str) -> RouteDoc:
    example = _STRUCTURES_XML.replace("BEE_STRUCTURES", root)
    return RouteDoc(
        summary=f"Export {title}",
        description=f"{description}\n\n{_EXPORT_TEXT}",
        problems=_EXPORT_PROBLEMS + problems,
        response_media="application/xml",
        response_example=example,
    )


_PUSH_TEXT = (
    "Le corps est le fichier XML (ou son zip). La réponse `202` donne le `sync_id` et `statut_url` "
    "(`GET /v1/syncs/{sync_id}`) à interroger jusqu'à un état final. `Idempotency-Key` (une clé par "
    "fichier) : un renvoi après une réponse perdue rend la première synchronisation au lieu d'en créer "
    "une seconde. `?simulation=1` rend tout de suite (200) le verdict et le rapport, sans rien modifier. "
    "Un import qui retirerait trop de données est retenu (`held`) pour validation par un superviseur."
)
_PUSH_PROBLEMS = (
    "format-non-supporte",
    "fichier-trop-volumineux",
    "uai-non-concordant",
    "annee-non-concordante",
    "idempotence-conflit",
    "idempotence-cle-vide",
    "corps-incomplet",
    "xml-mal-forme",
    "xml-doctype-interdit",
    "xml-trop-d-elements",
    "encodage-invalide",
    "uai-invalide",
    "xml-non-conforme",
    "racine-inattendue",
    "enregistrements-invalides",
    "zip-invalide",
    "zip-bombe",
    "service-indisponible",
    "service-sans-reponse",
    "import-concurrent",
)
_ACCEPTED = {
    "sync_id": SYNC_ID,
    "flux": "emploi-du-temps",
    "uai": "0319999A",
    "annee": 2026,
    "etat": "queued",
    "simulation": False,
    "compteurs": {},
    "rapport": [],
    "statut_url": f"/v1/syncs/{SYNC_ID}",
}

ROUTES: dict[tuple[str, str], RouteDoc] = {
    ("get", f"{SCHOOL}/eleves"): _export(
        "des élèves (BEE_ELEVES)",
        "BEE_ELEVES",
        "Les élèves de l'établissement : ElevesAvecAdresses par défaut, ElevesSansAdresses avec "
        "`?adresses=0`.",
    ),
    ("get", f"{SCHOOL}/responsables"): _export(
        "des responsables (BEE_RESPONSABLES)", "BEE_RESPONSABLES", "Les responsables des élèves."
    ),
    ("get", f"{SCHOOL}/nomenclatures"): _export(
        "des nomenclatures (BEE_NOMENCLATURES)",
        "BEE_NOMENCLATURES",
        "Les nomenclatures de l'année (MEF, matières, options…).",
        "nomenclatures-absentes",
    ),
    ("get", f"{SCHOOL}/structures"): _export(
        "des structures (BEE_STRUCTURES)", "BEE_STRUCTURES", "Les divisions et groupes de l'établissement."
    ),
    ("get", f"{SCHOOL}/etablissement"): _export(
        "de l'établissement (BEE_COMMUN)",
        "BEE_COMMUN",
        "La fiche de l'établissement.",
        "etablissement-absent",
    ),
    ("get", f"{SCHOOL}/historique-eleves"): _export(
        "de l'historique des élèves (BEE_HISTORIQUE_ELEVES)",
        "BEE_HISTORIQUE_ELEVES",
        "La scolarité de chaque élève sur les années que la plateforme détient : l'an dernier au format "
        "SCOLARITE_AN_DERNIER de SIECLE, et chaque année dans SCOLARITES (racine et nom de fichier choisis "
        "par la plateforme, aucun fichier SIECLE public n'existant).",
        "eleves-absents",
    ),
    ("get", f"{SCHOOL}/emploi-du-temps"): _export(
        "STS (STS_EDT)",
        "STS_EDT",
        "L'export STS-WEB pour l'emploi du temps : individus, services, structures.",
        "nomenclatures-non-profilees",
    ),
    ("post", f"{SCHOOL}/emploi-du-temps"): RouteDoc(
        summary="Import de l'emploi du temps (EDT_STS, annule et remplace)",
        description=f"L'emploi du temps calculé par le logiciel, vers STS-WEB.\n\n{_PUSH_TEXT}",
        problems=_PUSH_PROBLEMS,
        request_example='<?xml version="1.0" encoding="ISO-8859-15"?>\n<STS_EDT>…</STS_EDT>',
        response_example=_ACCEPTED,
    ),
    ("post", f"{SCHOOL}/liens-eleves-groupes"): RouteDoc(
        summary="Import des liens élèves-groupes (IMPORT_ELEVES)",
        description=(
            "Les groupes de chaque élève, vers la base élèves. Il attend l'emploi du temps en cours "
            f"d'import et ses structures (voir `…/flux`).\n\n{_PUSH_TEXT}"
        ),
        problems=_PUSH_PROBLEMS,
        request_example='<?xml version="1.0" encoding="ISO-8859-15"?>\n<IMPORT_ELEVES>…</IMPORT_ELEVES>',
        response_example={**_ACCEPTED, "flux": "liens-eleves-groupes"},
    ),
    ("get", "/v1/syncs/{sync_id}"): RouteDoc(
        summary="État d'un import",
        description=(
            "L'état d'une synchronisation d'import de votre établissement (`queued`, `waiting`, `held`, "
            "`applied`, `partially_applied`, `rejected`, `failed`), ses compteurs et son rapport par "
            "enregistrement (code, titre, chemin et ligne de chaque enregistrement refusé)."
        ),
        problems=("sync-inconnue",),
        school=False,
        response_example={
            **_ACCEPTED,
            "etat": "partially_applied",
            "compteurs": {"services": 412, "refuses": 1},
            "rapport": [
                {
                    "code": "matiere-inconnue",
                    "title": "Matière inconnue de STS.",
                    "path": "/STS_EDT/DONNEES/STRUCTURE/DIVISIONS/DIVISION[3]/SERVICES/SERVICE[2]",
                    "line": 418,
                }
            ],
        },
    ),
    ("get", f"{SCHOOL}/flux"): RouteDoc(
        summary="Flux possibles maintenant",
        description=(
            "Chaque flux de la plateforme, export ou import, avec `autorise` et, sinon, la raison en "
            "français : produit non habilité, année pas encore ouverte (bascule), service qui ne répond "
            "pas, ou règle d'ordre (les liens élèves-groupes attendent l'emploi du temps en cours)."
        ),
        response_example={
            "flux": [
                {"nom": "structures", "sens": "export", "autorise": True, "raison": None},
                {
                    "nom": "liens-eleves-groupes",
                    "sens": "import",
                    "autorise": False,
                    "raison": "Un import maintenant attendrait : un import d'emploi du temps est en cours.",
                },
            ]
        },
    ),
    ("get", "/v1/moi"): RouteDoc(
        summary="Ce que prouve mon certificat",
        description=(
            "L'établissement, l'éditeur, le produit, le numéro de série et la validité du certificat "
            "présenté, et les flux que son produit peut utiliser : pour vérifier une installation."
        ),
        school=False,
        response_example={
            "uai": "0319999A",
            "editeur": "index-education",
            "produit": "edt",
            "numero_serie": "4f1c2a…",
            "valide_du": "2026-08-25T00:00:00Z",
            "valide_jusqu_au": "2027-08-25T00:00:00Z",
            "flux_autorises": ["emploi-du-temps", "etablissement", "liens-eleves-groupes"],
        },
    ),
}
