"""Errors raised while reading or writing the SIECLE, STS-WEB and EDT exchange files.

Every error is a :class:`FormatError` (an :class:`~services.common.errors.InvalidInput`, 400) carrying a
stable code from this module, a French title, and where known the ``file``, the element ``path``
(``/BEE_ELEVES/DONNEES/ELEVES/ELEVE[12]/DATE_NAISS``) and the ``line``; all three reach the problem+json
body. The tree::

    InvalidInput (400)
    └── FormatError
        ├── FileTooLarge      413  fichier-trop-volumineux
        └── FormatErrors           enregistrements-invalides: many record errors of one file at once
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

from services.common.errors import InvalidInput

XML_MAL_FORME = "xml-mal-forme"
XML_DOCTYPE_INTERDIT = "xml-doctype-interdit"
XML_ENTITE_INTERDITE = "xml-entite-interdite"
XML_TROP_PROFOND = "xml-trop-profond"
XML_TROP_D_ELEMENTS = "xml-trop-d-elements"
FICHIER_TROP_VOLUMINEUX = "fichier-trop-volumineux"
ENCODAGE_INVALIDE = "encodage-invalide"
RACINE_INATTENDUE = "racine-inattendue"
ELEMENT_MANQUANT = "element-manquant"
VALEUR_INVALIDE = "valeur-invalide"
DATE_INVALIDE = "date-invalide"
UAI_INVALIDE = "uai-invalide"
INE_INVALIDE = "ine-invalide"
MEF_INVALIDE = "mef-invalide"
CODE_MATIERE_INVALIDE = "code-matiere-invalide"
CODE_STRUCTURE_INVALIDE = "code-structure-invalide"
ZIP_INVALIDE = "zip-invalide"
ZIP_BOMBE = "zip-bombe"
ZIP_CHEMIN_INTERDIT = "zip-chemin-interdit"
ZIP_TROP_D_ENTREES = "zip-trop-d-entrees"
ZIP_IMBRIQUE = "zip-imbrique"
ENREGISTREMENTS_INVALIDES = "enregistrements-invalides"
XML_NON_CONFORME = "xml-non-conforme"

TITLES: dict[str, str] = {
    XML_MAL_FORME: "Le fichier XML est mal formé.",
    XML_DOCTYPE_INTERDIT: "Le fichier contient une déclaration DOCTYPE, refusée par sécurité.",
    XML_ENTITE_INTERDITE: "Le fichier fait référence à une entité XML non autorisée.",
    XML_TROP_PROFOND: "Le fichier XML contient trop de niveaux d'imbrication.",
    XML_TROP_D_ELEMENTS: "Le fichier contient trop d'éléments d'une même sorte.",
    FICHIER_TROP_VOLUMINEUX: "Le fichier dépasse la taille autorisée.",
    ENCODAGE_INVALIDE: "L'encodage des caractères est invalide ou ne correspond pas à sa déclaration.",
    RACINE_INATTENDUE: "Ce fichier n'est pas du type attendu.",
    ELEMENT_MANQUANT: "Un élément obligatoire est absent du fichier.",
    VALEUR_INVALIDE: "Une valeur du fichier est invalide.",
    DATE_INVALIDE: "Une date du fichier est invalide.",
    UAI_INVALIDE: "Le code UAI de l'établissement est invalide.",
    INE_INVALIDE: "L'identifiant national élève (INE) est invalide.",
    MEF_INVALIDE: "Le code MEF est invalide.",
    CODE_MATIERE_INVALIDE: "Le code matière est invalide.",
    CODE_STRUCTURE_INVALIDE: "Le code de division ou de groupe est invalide.",
    ZIP_INVALIDE: "L'archive ZIP est invalide.",
    ZIP_BOMBE: "L'archive ZIP se décompresse en un volume anormal, refusée par sécurité.",
    ZIP_CHEMIN_INTERDIT: "L'archive ZIP contient un chemin de fichier interdit.",
    ZIP_TROP_D_ENTREES: "L'archive ZIP contient trop de fichiers.",
    ZIP_IMBRIQUE: "L'archive ZIP contient une autre archive, ce qui n'est pas accepté.",
    ENREGISTREMENTS_INVALIDES: "Le fichier contient des enregistrements invalides.",
    XML_NON_CONFORME: "Le fichier n'est pas conforme au schéma XSD du format.",
}


class FormatError(InvalidInput):
    """A file that is hostile, malformed, or holds a value the format does not allow."""

    default_code: ClassVar[str] = VALEUR_INVALIDE
    default_title: ClassVar[str] = TITLES[VALEUR_INVALIDE]

    def __init__(
        self,
        title: str | None = None,
        *,
        code: str | None = None,
        detail: str | None = None,
        file: str | None = None,
        path: str | None = None,
        line: int | None = None,
        **extensions: Any,
    ) -> None:
        code = code or self.default_code
        super().__init__(title or TITLES.get(code), code=code, detail=detail, **extensions)
        self.file: str | None = None
        self.path: str | None = None
        self.line: int | None = None
        self.locate(file=file, path=path, line=line)

    def locate(self, *, file: str | None = None, path: str | None = None, line: int | None = None) -> None:
        """Fill in the location fields still unknown (an inner helper rarely knows the file name)."""
        for key, value in (("file", file), ("path", path), ("line", line)):
            if value is not None and getattr(self, key) is None:
                setattr(self, key, value)
                self.extensions[key] = value

    def summary(self) -> dict[str, Any]:
        """The short form listed inside a :class:`FormatErrors` problem."""
        item: dict[str, Any] = {"code": self.code, "title": self.title}
        if self.detail:
            item["detail"] = self.detail
        item.update((k, v) for k, v in self.extensions.items() if k in ("path", "line"))
        return item


class FileTooLarge(FormatError):
    """The file (or what an archive expands to) is over the configured cap."""

    status: ClassVar[int] = 413
    default_code: ClassVar[str] = FICHIER_TROP_VOLUMINEUX
    default_title: ClassVar[str] = TITLES[FICHIER_TROP_VOLUMINEUX]


class FormatErrors(FormatError):
    """Several record-level errors of one file, reported together (``errors`` in the problem body)."""

    default_code: ClassVar[str] = ENREGISTREMENTS_INVALIDES
    default_title: ClassVar[str] = TITLES[ENREGISTREMENTS_INVALIDES]

    def __init__(
        self, errors: list[FormatError], *, file: str | None = None, truncated: bool = False
    ) -> None:
        self.errors = list(errors)
        self.truncated = truncated
        more = " (liste tronquée)" if truncated else ""
        super().__init__(detail=f"{len(self.errors)} erreur(s){more}.", file=file)

    def to_problem(self, instance: str | None = None) -> dict[str, Any]:
        body = super().to_problem(instance)
        body["errors"] = [error.summary() for error in self.errors]
        body["truncated"] = self.truncated
        return body


class ErrorCollector:
    """Collects record errors so that one bad pupil does not hide the next ninety-nine.

    Use :meth:`record` around the reading of each record, then :meth:`raise_if_any`. After ``limit``
    errors the collector raises at once: a file that bad gets no longer report.
    """

    def __init__(self, *, file: str | None = None, limit: int = 200) -> None:
        self.file = file
        self.limit = limit
        self.errors: list[FormatError] = []

    @contextmanager
    def record(self) -> Iterator[None]:
        """Run one record's reading; its :class:`FormatError` is kept instead of propagated."""
        try:
            yield
        except FormatErrors as many:
            self._add(many.errors)
        except FileTooLarge:
            raise
        except FormatError as error:
            self._add([error])

    def _add(self, errors: list[FormatError]) -> None:
        for error in errors:
            error.locate(file=self.file)
        self.errors.extend(errors)
        if len(self.errors) >= self.limit:
            raise FormatErrors(self.errors[: self.limit], file=self.file, truncated=True)

    def raise_if_any(self) -> None:
        """Raise the collected errors, a lone one as itself."""
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise FormatErrors(self.errors, file=self.file)
