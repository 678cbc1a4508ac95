"""What GIN-WEB tells every gateway: certificate revocations and editor accreditations.

Both travel on the ``REVOCATIONS`` stream (:mod:`services.common.subjects`), published durably with a
``Nats-Msg-Id`` from :attr:`msg_id`. Every gateway replica reads the whole stream with its own ordered
consumer, so each replica applies each message. Applying a message twice changes nothing: a revocation
adds a serial to a set, an accreditation message carries the editor's complete current state.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from services.common.contracts import Contract
from services.common.ids import new_event_id


class CertificateRevoked(Contract):
    """One certificate refused from now on. ``serial`` is upper-case hex (``identity.serial_hex``)."""

    serial: str
    uai: str
    editor: str
    product: str
    revoked_at: datetime
    reason: str  # RFC 5280 reason name as cryptography spells it: keyCompromise, superseded…

    @property
    def serial_number(self) -> int:
        return int(self.serial, 16)

    @property
    def msg_id(self) -> str:
        return f"revocation-{self.serial}"


class EditorAccreditation(Contract):
    """An editor's whole accreditation as of ``changed_at``: the last message for an editor wins.

    ``products`` maps each accredited product of the editor to the flows it may use; a withdrawn editor
    (``active`` false) is refused whatever its products.
    """

    event_id: str = Field(default_factory=new_event_id)
    editor: str
    active: bool
    products: dict[str, list[str]] = Field(default_factory=dict)
    changed_at: datetime

    @property
    def msg_id(self) -> str:
        return f"accreditation-{self.event_id}"
