"""Reading and writing the SIECLE ``ExportXML_<Name>.zip`` archives without trusting them.

SIECLE hands out each XML export as ``ExportXML_<Name>.zip`` holding one ``<Name>.xml``.
:func:`read_zip_member` takes such an archive from outside and returns its one XML file, refusing
decompression bombs (absolute size and ratio, counted while inflating, never taken from the headers),
zip-slip paths, archives with too many entries and archives inside the archive. Nothing is written to disk.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from datetime import datetime
from pathlib import PurePosixPath

from services.common.formats import errors as codes
from services.common.formats.errors import FileTooLarge, FormatError

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_END_OF_CENTRAL_DIRECTORY = b"PK\x05\x06"
_NESTED_SUFFIXES = (".zip", ".jar", ".7z", ".rar", ".gz", ".tgz", ".bz2", ".xz", ".tar")
_NAME = re.compile(r"[A-Za-z0-9_]{1,64}")
_CHUNK = 64 * 1024
_RATIO_FLOOR = 1024 * 1024  # below 1 MiB expanded, a high ratio is harmless (a tiny repetitive XML)
_CENTRAL_ENTRY_BUDGET = 1024  # bytes of central directory allowed per entry (fixed part + a long name)

DEFAULT_MAX_ENTRIES = 16
DEFAULT_MAX_UNCOMPRESSED = 64 * 1024 * 1024
DEFAULT_MAX_RATIO = 200


def looks_like_zip(data: bytes) -> bool:
    """Whether ``data`` starts like a zip archive (a local file header, or an empty archive)."""
    return data[:4] in ZIP_MAGIC


def read_zip_member(
    data: bytes,
    *,
    filename: str,
    max_entries: int = DEFAULT_MAX_ENTRIES,
    max_uncompressed: int = DEFAULT_MAX_UNCOMPRESSED,
    max_ratio: int = DEFAULT_MAX_RATIO,
) -> tuple[str, bytes]:
    """The name and content of the one XML file of a SIECLE zip.

    Directory entries and macOS ``__MACOSX/`` resource forks are ignored. Raises :class:`FormatError`:
    ``zip-invalide``, ``zip-trop-d-entrees``, ``zip-chemin-interdit``, ``zip-imbrique``, ``zip-bombe``
    (inflating more than ``max_ratio`` times its compressed size, past 1 MiB), or
    :class:`FileTooLarge` (413) when the XML is over ``max_uncompressed`` at a normal ratio.
    """
    if not looks_like_zip(data):
        raise _error(codes.ZIP_INVALIDE, "le fichier n'est pas une archive ZIP.", filename)
    _check_central_directory(data, max_entries, filename)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            member = _the_xml_member(archive.infolist(), max_entries, filename)
            content = _inflate(archive, member, len(data), max_uncompressed, max_ratio, filename)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, ValueError) as error:
        raise _error(codes.ZIP_INVALIDE, f"archive illisible ({error}).", filename) from None
    if looks_like_zip(content):
        raise _error(codes.ZIP_IMBRIQUE, f"« {member.filename} » est lui-même une archive.", filename)
    return member.filename, content


def siecle_zip_filename(name: str) -> str:
    """``ExportXML_<name>.zip``, the name SIECLE gives the archive of ``<name>.xml``."""
    return f"ExportXML_{_checked_name(name)}.zip"


def make_siecle_zip(name: str, xml: bytes, *, modified: datetime | None = None) -> bytes:
    """The content of ``ExportXML_<name>.zip``: one deflated member ``<name>.xml``.

    ``modified`` (default: now) is the member's time stamp; pass it for reproducible archives.
    """
    stamp = (modified or datetime.now()).timetuple()[:6]  # zip times are local and naive by design
    info = zipfile.ZipInfo(f"{_checked_name(name)}.xml", date_time=stamp)
    info.compress_type = zipfile.ZIP_DEFLATED
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(info, xml)
    return buffer.getvalue()


def _check_central_directory(data: bytes, max_entries: int, filename: str) -> None:
    """Refuse too many entries from the end record, before :mod:`zipfile` builds one object per entry."""
    start = data.rfind(_END_OF_CENTRAL_DIRECTORY, max(0, len(data) - 65_557))
    if start < 0 or len(data) - start < 22:
        raise _error(codes.ZIP_INVALIDE, "fin d'archive introuvable.", filename)
    entries, directory_size = struct.unpack_from("<xxxxxxxxxxHI", data, start)
    # The entry count can lie; the directory's byte size bounds the real count whatever it says.
    if entries > max_entries or directory_size > max_entries * _CENTRAL_ENTRY_BUDGET:
        raise _error(codes.ZIP_TROP_D_ENTREES, f"plus de {max_entries} entrées.", filename)


def _the_xml_member(infos: list[zipfile.ZipInfo], max_entries: int, filename: str) -> zipfile.ZipInfo:
    if len(infos) > max_entries:
        detail = f"{len(infos)} entrées pour {max_entries} autorisées."
        raise _error(codes.ZIP_TROP_D_ENTREES, detail, filename)
    for info in infos:
        _check_entry(info, filename)
    files = [i for i in infos if not i.is_dir() and not i.filename.startswith("__MACOSX/")]
    xml = [i for i in files if i.filename.lower().endswith(".xml")]
    if len(xml) != 1:
        raise _error(codes.ZIP_INVALIDE, f"{len(xml)} fichier(s) XML au lieu d'un seul.", filename)
    return xml[0]


def _check_entry(info: zipfile.ZipInfo, filename: str) -> None:
    name = info.filename
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if name.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
        raise _error(codes.ZIP_CHEMIN_INTERDIT, f"chemin « {name} » interdit.", filename)
    if name.lower().endswith(_NESTED_SUFFIXES):
        raise _error(codes.ZIP_IMBRIQUE, f"« {name} » est une archive.", filename)
    if info.flag_bits & 0x1:
        raise _error(codes.ZIP_INVALIDE, f"« {name} » est chiffré.", filename)


def _inflate(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    archive_size: int,
    max_uncompressed: int,
    max_ratio: int,
    filename: str,
) -> bytes:
    # The header's compressed size can lie upwards; what is read cannot exceed the archive itself.
    compressed = max(1, min(info.compress_size, archive_size))
    _check_inflated(info.file_size, compressed, max_uncompressed, max_ratio, filename)  # announced
    chunks: list[bytes] = []
    total = 0
    with archive.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            total += len(chunk)
            _check_inflated(total, compressed, max_uncompressed, max_ratio, filename)  # actual
            chunks.append(chunk)
    return b"".join(chunks)


def _check_inflated(
    total: int, compressed: int, max_uncompressed: int, max_ratio: int, filename: str
) -> None:
    """Refuse a bomb (ratio) or a file over the cap (size), announced or counted while inflating.

    zipfile itself stops at the announced size and then fails on the CRC, so a header announcing less
    than the real content is refused as ``zip-invalide``; the count while inflating does not rely on it.
    """
    if total > _RATIO_FLOOR and total > max_ratio * compressed:
        raise _error(codes.ZIP_BOMBE, f"taux de compression supérieur à {max_ratio}.", filename)
    if total > max_uncompressed:
        raise FileTooLarge(detail=f"plus de {max_uncompressed} octets une fois décompressé.", file=filename)


def _checked_name(name: str) -> str:
    if _NAME.fullmatch(name) is None:
        raise FormatError(code=codes.VALEUR_INVALIDE, detail=f"nom d'export « {name} » invalide.")
    return name


def _error(code: str, detail: str, filename: str) -> FormatError:
    return FormatError(code=code, detail=detail, file=filename)
