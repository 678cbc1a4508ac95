"""The catalogue of every problem code: what it means for an editor or a user, and what to do.

A problem's ``type`` (``/docs/erreurs/<code>``) resolves to the page of this catalogue that explains its
code. The catalogue is built from two sources that a test keeps in step with the code: the
:class:`~services.common.errors.DomainError` tree (each class's ``default_code`` and ``default_title``,
walked so that a new class cannot be forgotten) and :data:`EXPLANATIONS`, which holds every code raised
with an explicit ``code="…"`` and the per-record codes of import reports (``tests/common/
test_problem_catalogue.py`` greps the raise sites and fails on a code missing here).
"""

from __future__ import annotations

from dataclasses import dataclass

from services.common.errors import DomainError
from services.common.formats import errors as format_codes

PROBLEM_DOCS_PATH = "/docs/erreurs/"
RECORD = 0  # the "status" of a per-record code: it is a line of an import report, not an HTTP answer


@dataclass(frozen=True, slots=True)
class Explanation:
    statuses: tuple[int, ...]
    title: str
    advice: str


def _e(statuses: int | tuple[int, ...], title: str, advice: str) -> Explanation:
    return Explanation(statuses if isinstance(statuses, tuple) else (statuses,), title, advice)


_RETRY = "Réessayez après le délai de l'en-tête Retry-After (ou quelques secondes), avec la même requête."
_HEAD = "Le chef d'établissement demande un nouveau certificat sur GIN-WEB et l'installe dans le logiciel."

EXPLANATIONS: dict[str, Explanation] = {
    # Certificates and authentication (the editors' API)
    "certificat-absent": _e(401, "Aucun certificat client n'a été présenté.", _HEAD),
    "certificat-illisible": _e(401, "Le certificat client est illisible.", _HEAD),
    "certificat-expire": _e(401, "Le certificat client a expiré.", _HEAD),
    "certificat-pas-encore-valide": _e(
        401, "Le certificat client n'est pas encore valide.", "Vérifiez l'horloge du poste ; sinon attendez."
    ),
    "certificat-autorite-inconnue": _e(
        401, "Le certificat n'a pas été délivré par l'autorité de la plateforme.", _HEAD
    ),
    "certificat-incoherent": _e(
        401, "Le certificat ne désigne pas un établissement de façon cohérente.", _HEAD
    ),
    "certificat-usage-invalide": _e(
        401, "Ce certificat n'est pas un certificat d'authentification client.", _HEAD
    ),
    "certificat-revoque": _e(401, "Ce certificat a été révoqué.", _HEAD),
    "autorite-expiree": _e(
        401, "L'autorité de certification de la plateforme n'est plus valide.", "Contactez l'assistance."
    ),
    "tls-refuse": _e(
        401, "La négociation TLS a échoué.", "Vérifiez le certificat présenté et la version de TLS."
    ),
    "uai-invalide": _e(
        (400, 401), "Le code UAI est invalide.", "Un UAI a 7 chiffres et une lettre clé (par ex. 0310053P)."
    ),
    "revocations-non-chargees": _e(503, "La passerelle charge la liste des certificats révoqués.", _RETRY),
    "mandataire-non-reconnu": _e(
        403,
        "La requête n'est pas passée par le point d'entrée de la plateforme.",
        "Passez par l'adresse publique.",
    ),
    # Authorisation
    "etablissement-non-autorise": _e(
        403,
        "Ce certificat ne donne pas accès à cet établissement.",
        "Utilisez l'UAI du certificat (GET /v1/moi).",
    ),
    "flux-non-autorise": _e(
        403,
        "Ce produit n'est pas habilité pour ce flux.",
        "Consultez la table produits → flux des références.",
    ),
    "editeur-non-habilite": _e(403, "L'habilitation de l'éditeur a été retirée.", "Contactez l'assistance."),
    "produit-non-habilite": _e(403, "Ce produit n'est pas habilité.", "Contactez l'assistance."),
    "editeur-inconnu": _e(
        403, "L'éditeur du certificat n'est pas inscrit au registre de GIN-WEB.", "Contactez l'assistance."
    ),
    # Requests
    "annee-invalide": _e(
        400, "L'année scolaire est invalide.", "L'année est celle de la rentrée (2026 : 2026-2027)."
    ),
    "annee-inconnue": _e(
        404, "L'année scolaire n'est pas ouverte pour cet établissement.", "Consultez …/flux."
    ),
    "annee-non-ouverte": _e(
        409, "L'année scolaire n'est pas encore ouverte.", "Attendez la bascule (…/flux)."
    ),
    "annee-precedente-inconnue": _e(404, "L'année précédente est inconnue.", "Contactez l'assistance."),
    "curseur-invalide": _e(
        400,
        "Le curseur fourni n'est pas valide.",
        "Reprenez le dernier curseur reçu tel quel, sans le modifier.",
    ),
    "curseur-perime": _e(
        409,
        "Ce curseur est trop ancien.",
        "Les changements intermédiaires ne sont plus conservés : refaites un export complet (sans ?depuis=), "
        "remplacez vos données par son contenu et repartez de son curseur.",
    ),
    "flux-inconnu": _e((400, 404), "Ce flux n'existe pas.", "Les flux sont listés par …/flux."),
    "sync-inconnue": _e(404, "Aucune synchronisation de votre établissement ne porte cet identifiant.", "—"),
    "etablissement-absent": _e(404, "L'établissement n'est pas encore chargé dans la base élèves.", "—"),
    "nomenclatures-absentes": _e(404, "Les nomenclatures de l'année ne sont pas encore chargées.", "—"),
    "eleves-absents": _e(404, "Les élèves de l'année ne sont pas encore chargés dans la base élèves.", "—"),
    "nomenclatures-non-profilees": _e(
        409, "Les nomenclatures de l'année suivante ne sont pas encore profilées.", "Attendez le profilage."
    ),
    # Pushes
    "format-non-supporte": _e(
        415, "Ce format de fichier n'est pas pris en charge.", "Envoyez application/xml ou application/zip."
    ),
    "fichier-trop-volumineux": _e(413, "Le fichier dépasse la taille autorisée.", "Envoyez-le zippé."),
    "uai-non-concordant": _e(400, "Le fichier porte sur un autre établissement que l'URL.", "—"),
    "annee-non-concordante": _e(400, "Le fichier porte sur une autre année que l'URL.", "—"),
    "idempotence-conflit": _e(
        409,
        "Cette clé d'idempotence a déjà servi pour un autre fichier.",
        "Une clé par fichier : réutilisez-la seulement pour renvoyer le même fichier.",
    ),
    "idempotence-cle-vide": _e(
        400,
        "L'en-tête Idempotency-Key est vide.",
        "Donnez une clé (1 à 200 caractères, une par fichier) ou omettez l'en-tête.",
    ),
    "fichier-autre-etablissement": _e(400, "Le fichier porte sur un autre établissement.", "—"),
    "fichier-inattendu": _e(400, "Ce service ne charge pas ce type de fichier.", "—"),
    "fichier-import-introuvable": _e(404, "Le fichier de cet import n'est plus disponible.", "Renvoyez-le."),
    "fichier-introuvable": _e(404, "Le fichier de la commande n'est plus disponible.", "Recommencez."),
    # Availability
    "bus-indisponible": _e(503, "La plateforme est momentanément indisponible.", _RETRY),
    "service-indisponible": _e(503, "Le service est momentanément indisponible.", _RETRY),
    "service-sans-reponse": _e(503, "Le service interrogé n'a pas répondu à temps.", _RETRY),
    "import-concurrent": _e(503, "Un envoi concurrent de la même clé vient d'échouer.", _RETRY),
    "reponse-interrompue": _e(503, "La réponse a été interrompue.", _RETRY),
    "reponse-illisible": _e(503, "Réponse illisible du service interrogé.", _RETRY),
    "oidc-indisponible": _e(503, "Le fournisseur d'identité ne répond pas.", _RETRY),
    # Rollover (operators)
    "academie-inconnue": _e(400, "L'académie est inconnue.", "—"),
    "bascule-deja-faite": _e(409, "La bascule de cette année est déjà faite.", "—"),
    "bascule-sans-cible": _e(400, "Nommez une académie ou un établissement.", "—"),
    "codes-inconnus": _e(400, "Des codes du profil sont inconnus des nomenclatures.", "—"),
    "profil-vide": _e(400, "Un profil nomme au moins un MEF et une matière.", "—"),
    "profil-illisible": _e(400, "Le fichier de profil est illisible.", "—"),
    "portee-inconnue": _e(400, "Précisez l'UAI et l'année : les fichiers ne les donnent pas.", "—"),
    "uai-incoherent": _e(400, "Les fichiers ne portent pas tous sur le même établissement.", "—"),
    "demande-invalide": _e(400, "Demande illisible.", "—"),
    # Supervision console and its API
    "hors-perimetre": _e(403, "Cette académie n'est pas dans votre périmètre de supervision.", "—"),
    "role-non-superviseur": _e(403, "Ce compte n'est pas un compte de supervision.", "—"),
    "jeton-invalide": _e(401, "Jeton d'accès inconnu.", "—"),
    "synchronisation-introuvable": _e(404, "Aucune synchronisation ne porte cet identifiant.", "—"),
    "date-invalide": _e(
        400, "La date est invalide.", "Dans un fichier : JJ/MM/AAAA ; dans l'API de supervision : ISO 8601."
    ),
    "import-non-retenu": _e(409, "Cet import n'est pas retenu pour validation.", "—"),
    "decision-invalide": _e(400, "Choisissez « Approuver » ou « Rejeter ».", "—"),
    "motif-manquant": _e(400, "Indiquez le motif de la décision.", "—"),
    "motif-trop-long": _e(400, "Le motif de la décision est trop long.", "Raccourcissez-le."),
    "alerte-non-ouverte": _e(409, "Seule une alerte ouverte peut être prise en compte.", "—"),
    "alerte-deja-resolue": _e(409, "Cette alerte est déjà résolue.", "—"),
    "alerte-introuvable": _e(404, "Cette alerte n'existe pas.", "—"),
    "compte-inconnu": _e(401, "Ce compte n'est pas autorisé sur la console.", "—"),
    "oidc-absent": _e(401, "La connexion par fournisseur d'identité n'est pas configurée.", "—"),
    "identifiant-invalide": _e(400, "L'identifiant ne peut pas être vide.", "—"),
    "compte-existant": _e(409, "Ce compte existe déjà.", "—"),
    # netsynchro-admin, the operator's command (docs/operations.md)
    "compte-absent": _e(
        404, "Aucun compte ne porte cet identifiant dans cette console.", "Vérifiez --console."
    ),
    "certificat-inconnu": _e(404, "Aucun certificat de GIN-WEB ne porte ce numéro de série.", "—"),
    "certificat-deja-revoque": _e(409, "Ce certificat est déjà révoqué.", "—"),
    "serie-invalide": _e(
        400, "Ce numéro de série n'est pas hexadécimal.", "Copiez-le de « certificats lister »."
    ),
    # GIN-WEB
    "confirmation-requise": _e(400, "Cochez la case de confirmation : la révocation est définitive.", "—"),
    "motif-invalide": _e(
        400, "Ce motif de révocation n'existe pas.", "Choisissez un motif de la liste du formulaire."
    ),
    "csr-absente": _e(400, "Aucune demande de certificat (CSR) n'a été fournie.", "—"),
    "csr-trop-volumineux": _e(400, "Le fichier CSR est trop volumineux.", "—"),
    "csr-illisible": _e(400, "La demande de certificat n'est pas un CSR PEM lisible.", "—"),
    "csr-signature-invalide": _e(400, "La signature de la demande de certificat est invalide.", "—"),
    "csr-cle-refusee": _e(
        400, "La clé de la demande est refusée.", "Utilisez une clé EC P-256/P-384 ou RSA 2048+."
    ),
    "csr-incoherent": _e(400, "La demande ne correspond pas à l'établissement et au produit choisis.", "—"),
    "editeur-existant": _e(409, "Cet éditeur existe déjà.", "—"),
    "editeur-invalide": _e(400, "L'identifiant d'éditeur est invalide.", "—"),
    "produit-existant": _e(409, "Ce produit existe déjà.", "—"),
    "produit-invalide": _e(400, "L'identifiant de produit est invalide.", "—"),
    "code-inconnu": _e(404, "Ce code d'erreur n'est pas au catalogue.", "Consultez la liste des codes."),
    "reference-inconnue": _e(
        404, "Ce schéma ou ce fichier d'exemple n'existe pas.", "Voir /docs/references."
    ),
    # Per-record codes of import reports (GET /v1/syncs/{id}: rapport)
    "eleve-inconnu": _e(RECORD, "Élève inconnu de la base élèves.", "Vérifiez l'INE ou l'identifiant."),
    "eleve-discordant": _e(RECORD, "L'élève ne correspond pas à la base élèves.", "—"),
    "groupe-inconnu": _e(RECORD, "Groupe inconnu de la base élèves.", "Envoyez d'abord l'emploi du temps."),
    "division-inconnue": _e(RECORD, "Division inconnue de STS.", "—"),
    "matiere-inconnue": _e(RECORD, "Matière inconnue de STS.", "—"),
    "enseignant-inconnu": _e(RECORD, "Enseignant inconnu de STS.", "—"),
    "service-en-double": _e(RECORD, "Service en double.", "—"),
}

_FORMAT_ADVICE = (
    "Le fichier est refusé sans rien modifier ; le problème indique le fichier, le chemin de l'élément "
    "(path) et la ligne. Corrigez le fichier et renvoyez-le."
)


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    code: str
    statuses: tuple[int, ...]
    title: str
    advice: str

    @property
    def is_record_code(self) -> bool:
        return self.statuses == (RECORD,)


def _subclasses(root: type[DomainError]) -> list[type[DomainError]]:
    found: list[type[DomainError]] = []
    for child in root.__subclasses__():
        found.extend([child, *_subclasses(child)])
    return found


def error_classes() -> list[type[DomainError]]:
    """The whole tree, root included, as far as it is imported in this process."""
    return [DomainError, *_subclasses(DomainError)]


def catalogue() -> dict[str, CatalogueEntry]:
    """Every known code, sorted: the explained ones, the formats' codes and the tree's default codes."""
    entries = {code: CatalogueEntry(code, e.statuses, e.title, e.advice) for code, e in EXPLANATIONS.items()}
    for code, title in format_codes.TITLES.items():
        status = 413 if code == format_codes.FICHIER_TROP_VOLUMINEUX else 400
        entries.setdefault(code, CatalogueEntry(code, (status,), title, _FORMAT_ADVICE))
    for cls in error_classes():
        if cls.default_code not in entries:
            entries[cls.default_code] = CatalogueEntry(
                cls.default_code, (cls.status,), cls.default_title, "—"
            )
    return dict(sorted(entries.items()))


def problem_type(code: str, base: str = PROBLEM_DOCS_PATH) -> str:
    return base + code
