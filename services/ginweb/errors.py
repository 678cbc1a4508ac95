"""GIN-WEB's domain errors (stable codes, French messages)."""

from __future__ import annotations

from services.common.errors import Conflict, Forbidden, NotFound


class NotAHead(Forbidden):
    default_code = "compte-non-chef"
    default_title = "Ce compte n'est pas celui d'un chef d'établissement rattaché à un établissement."


class ProductNotAccredited(Forbidden):
    default_code = "produit-non-habilite"
    default_title = "Ce produit n'est pas habilité : choisissez un produit de la liste."


class CertificateNotFound(NotFound):
    # Also the answer for another school's certificate: its existence is not confirmed.
    default_code = "certificat-introuvable"
    default_title = "Ce certificat n'existe pas pour votre établissement."


class AlreadyRevoked(Conflict):
    default_code = "certificat-deja-revoque"
    default_title = "Ce certificat est déjà révoqué."


class CannotRenew(Conflict):
    default_code = "renouvellement-impossible"
    default_title = "Seul un certificat valide et pas encore remplacé peut être renouvelé."


class UnknownEditor(NotFound):
    default_code = "editeur-inconnu"
    default_title = "Cet éditeur n'est pas dans le registre."
