"""The editor certificate profile: names, SAN URIs and validity, in one place.

An editor certificate binds one school to one accredited editor product::

    subject  C=FR, O=<editor id>, OU=<product id>, CN=<UAI>
    SAN      URI:urn:netsynchro:uai:<UAI>
             URI:urn:netsynchro:editeur:<editor id>:produit:<product id>
    EKU      clientAuth only

Issuance (:mod:`.issuance`) builds from these helpers and :mod:`services.common.identity` parses with
them, so the two sides cannot drift apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.x509.oid import NameOID

from services.common.errors import InvalidInput
from services.common.formats.identifiers import is_valid_uai

URN_PREFIX = "urn:netsynchro:"
UAI_URN_PREFIX = URN_PREFIX + "uai:"
EDITOR_URN_PREFIX = URN_PREFIX + "editeur:"
PRODUCT_URN_SEPARATOR = ":produit:"

DEFAULT_VALIDITY_MARGIN = timedelta(days=30)
# Editors' clocks drift; a certificate that starts a few minutes early avoids a "not yet valid"
# refusal on the first request after download.
BACKDATE = timedelta(minutes=5)

# Slugs fit in an X.509 O/OU (64 characters at most) and contain no ":" so the product URN stays parsable.
_SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_SLUG_MAX_LENGTH = 64


@dataclass(frozen=True)
class EditorBinding:
    """What an editor certificate asserts: one school and one accredited editor product.

    Not validated on construction (tests craft broken certificates with it); issuance goes through
    :func:`validated_binding`.
    """

    uai: str
    editor: str
    product: str

    def subject(self) -> x509.Name:
        return x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, self.editor),
                x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, self.product),
                x509.NameAttribute(NameOID.COMMON_NAME, self.uai),
            ]
        )

    def uris(self) -> list[str]:
        return [uai_uri(self.uai), product_uri(self.editor, self.product)]


def is_valid_slug(value: str) -> bool:
    """True for an editor or product id such as ``index-education`` or ``edt``."""
    return len(value) <= _SLUG_MAX_LENGTH and _SLUG_PATTERN.fullmatch(value) is not None


def validated_binding(uai: str, editor: str, product: str) -> EditorBinding:
    """The binding, or :class:`InvalidInput` naming the first bad identifier."""
    if not is_valid_uai(uai):
        raise InvalidInput(f"L'UAI « {uai} » est invalide (lettre clé ou format).", code="uai-invalide")
    if not is_valid_slug(editor):
        raise InvalidInput(f"L'identifiant d'éditeur « {editor} » est invalide.", code="editeur-invalide")
    if not is_valid_slug(product):
        raise InvalidInput(f"L'identifiant de produit « {product} » est invalide.", code="produit-invalide")
    return EditorBinding(uai, editor, product)


def uai_uri(uai: str) -> str:
    return UAI_URN_PREFIX + uai


def product_uri(editor: str, product: str) -> str:
    return f"{EDITOR_URN_PREFIX}{editor}{PRODUCT_URN_SEPARATOR}{product}"


def parse_uai_uri(uri: str) -> str | None:
    """The UAI named by a ``urn:netsynchro:uai:`` URI, or None for any other URI."""
    return uri.removeprefix(UAI_URN_PREFIX) if uri.startswith(UAI_URN_PREFIX) else None


def parse_product_uri(uri: str) -> tuple[str, str] | None:
    """(editor, product) named by a ``urn:netsynchro:editeur:…:produit:…`` URI, or None."""
    if not uri.startswith(EDITOR_URN_PREFIX):
        return None
    editor, separator, product = uri.removeprefix(EDITOR_URN_PREFIX).partition(PRODUCT_URN_SEPARATOR)
    if not separator or not is_valid_slug(editor) or not is_valid_slug(product):
        return None
    return editor, product


def school_year_start(now: datetime) -> int:
    """The year N of the school year N/N+1 that contains ``now`` (it starts on 1 September)."""
    return now.year if now.month >= 9 else now.year - 1


def school_year_end(year: int) -> datetime:
    """The last second of school year ``year``/``year+1``: 31 August ``year+1``, in UTC.

    UTC rather than Paris time: overseas académies live in other time zones, and the validity margin
    (weeks) dwarfs the hours of difference.
    """
    return datetime(year + 1, 8, 31, 23, 59, 59, tzinfo=UTC)


def editor_validity(
    now: datetime, *, margin: timedelta = DEFAULT_VALIDITY_MARGIN
) -> tuple[datetime, datetime]:
    """Default (not_before, not_after): from now to the end of the current school year plus ``margin``."""
    return now - BACKDATE, school_year_end(school_year_start(now)) + margin
