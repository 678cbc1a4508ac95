"""What the gateway trusts beyond the certificate chain: revocations and editor accreditations.

Checked on every request, in memory, because TLS-level checks miss kept-alive connections and resumed
sessions: a set lookup for the serial, a dict lookup for the editor. GIN-WEB feeds the store (its CRL
at start-up and its events on the ``REVOCATIONS`` stream, see :mod:`services.gateway.revocation`).

Until the feed has caught up, the store is not ready and refuses every certificate with a 503: a gateway
that has not yet learnt the revocations must not accept a certificate that may be revoked.

Deny by default: once GIN-WEB's registry has spoken (it announces every editor's state at start-up), an
editor it never mentioned is refused (``editeur-inconnu``), like a withdrawn one, even with a certificate
our CA signed. Only a gateway that never heard from any registry (a platform without GIN-WEB, as in the
embedded tests) falls back on the embedded product table
(:data:`services.common.products.DEFAULT_PRODUCT_FLOWS`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from services.common.errors import AuthenticationFailed, Forbidden, Unavailable
from services.common.identity import EditorIdentity
from services.common.products import DEFAULT_PRODUCT_FLOWS
from services.common.trustfeed import CertificateRevoked, EditorAccreditation


@dataclass(frozen=True)
class Accreditation:
    active: bool
    products: frozenset[str]
    changed_at: datetime


@dataclass
class TrustStore:
    revoked_serials: set[int] = field(default_factory=set)
    accreditations: dict[str, Accreditation] = field(default_factory=dict)
    # Read by the flow check (deps.py): product id → flows. Product ids are unique platform-wide.
    product_flows: dict[str, frozenset[str]] = field(default_factory=lambda: dict(DEFAULT_PRODUCT_FLOWS))
    ready: bool = False
    # The ``lastUpdate`` of the last CRL fetched from GIN-WEB (None until one was had): its age is a metric.
    crl_last_update: datetime | None = None

    def revoke(self, serial: int) -> None:
        self.revoked_serials.add(serial)

    def apply_revocation(self, event: CertificateRevoked) -> None:
        self.revoked_serials.add(event.serial_number)

    def apply_accreditation(self, event: EditorAccreditation) -> None:
        """Take the editor's new state; an older message (replayed after a newer one) is ignored."""
        known = self.accreditations.get(event.editor)
        if known is not None and known.changed_at > event.changed_at:
            return
        if known is not None:
            for product in known.products - event.products.keys():
                self.product_flows.pop(product, None)
        for product, flows in event.products.items():
            self.product_flows[product] = frozenset(flows)
        self.accreditations[event.editor] = Accreditation(
            event.active, frozenset(event.products), event.changed_at
        )

    def withdraw(self, editor: str, *, at: datetime) -> None:
        known = self.accreditations.get(editor)
        products = known.products if known else frozenset()
        self.accreditations[editor] = Accreditation(False, products, at)

    def ensure_trusted(self, identity: EditorIdentity) -> None:
        """Refuse a revoked certificate, a withdrawn editor or a product it no longer has."""
        if not self.ready:
            raise Unavailable(
                "La passerelle charge la liste des certificats révoqués : réessayez dans un instant.",
                code="revocations-non-chargees",
                retry_after=2,
            )
        if identity.serial in self.revoked_serials:
            raise AuthenticationFailed(
                "Ce certificat a été révoqué : demandez-en un nouveau au chef d'établissement (GIN-WEB).",
                code="certificat-revoque",
            )
        accreditation = self.accreditations.get(identity.editor)
        if accreditation is None:
            if self.accreditations:  # the registry has spoken, and not of this editor
                raise Forbidden(
                    f"L'éditeur « {identity.editor} » n'est pas inscrit au registre de GIN-WEB.",
                    code="editeur-inconnu",
                )
            return
        if not accreditation.active:
            raise Forbidden(
                f"L'habilitation de l'éditeur « {identity.editor} » a été retirée.",
                code="editeur-non-habilite",
            )
        if identity.product not in accreditation.products:
            raise Forbidden(
                f"Le produit « {identity.product} » de l'éditeur « {identity.editor} » n'est pas habilité.",
                code="produit-non-habilite",
            )
