"""What the gateway trusts beyond the certificate chain: revocations and withdrawn accreditations.

Checked on every request, in memory, because TLS-level checks miss kept-alive connections and resumed
sessions. GIN-WEB feeds it (its CRL at start-up and its revocation events on the bus).
"""

from __future__ import annotations

from services.common.errors import AuthenticationFailed, Forbidden
from services.common.identity import EditorIdentity
from services.common.products import DEFAULT_PRODUCT_FLOWS


class TrustStore:
    def __init__(self) -> None:
        self.revoked_serials: set[int] = set()
        self.withdrawn_editors: set[str] = set()
        self.product_flows: dict[str, frozenset[str]] = dict(DEFAULT_PRODUCT_FLOWS)

    def revoke(self, serial: int) -> None:
        self.revoked_serials.add(serial)

    def withdraw(self, editor: str) -> None:
        self.withdrawn_editors.add(editor)

    def ensure_trusted(self, identity: EditorIdentity) -> None:
        if identity.serial in self.revoked_serials:
            raise AuthenticationFailed(
                "Ce certificat a été révoqué : demandez-en un nouveau au chef d'établissement (GIN-WEB).",
                code="certificat-revoque",
            )
        if identity.editor in self.withdrawn_editors:
            raise Forbidden(
                f"L'habilitation de l'éditeur « {identity.editor} » a été retirée.",
                code="editeur-non-habilite",
            )
