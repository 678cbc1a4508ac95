"""SIECLE zips: the happy path, and bombs, zip slip, crowds of entries and nested archives refused."""

from __future__ import annotations

import io
import struct
import tracemalloc
import zipfile
from datetime import datetime

import pytest

from services.common.formats import errors as codes
from services.common.formats.errors import FileTooLarge, FormatError
from services.common.formats.zipsafe import (
    looks_like_zip,
    make_siecle_zip,
    read_zip_member,
    siecle_zip_filename,
)

XML = b'<?xml version="1.0" encoding="ISO-8859-15"?>\n<BEE_ELEVES VERSION="2.1"/>\n'
MEGABYTE = 1024 * 1024


def archive(*members: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as written:
        for name, content in members:
            written.writestr(name, content)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    """200 MB of zeros, deflated (about 200 KB), written in chunks to keep the test itself small."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as written,
        written.open("Eleves.xml", "w") as member,
    ):
        chunk = bytes(MEGABYTE)
        for _ in range(200):
            member.write(chunk)
    return buffer.getvalue()


def refused(data: bytes, **caps: int) -> FormatError:
    with pytest.raises(FormatError) as caught:
        read_zip_member(data, filename="ExportXML_Eleves.zip", **caps)
    assert caught.value.file == "ExportXML_Eleves.zip"
    return caught.value


def test_a_siecle_zip_holds_one_xml_named_after_the_export() -> None:
    data = make_siecle_zip("ElevesSansAdresses", XML, modified=datetime(2017, 2, 23, 15, 42, 52))
    assert siecle_zip_filename("ElevesSansAdresses") == "ExportXML_ElevesSansAdresses.zip"
    assert looks_like_zip(data)
    assert read_zip_member(data, filename="ExportXML_ElevesSansAdresses.zip") == (
        "ElevesSansAdresses.xml",
        XML,
    )


def test_same_content_and_time_give_the_same_archive() -> None:
    stamp = datetime(2017, 2, 23)
    assert make_siecle_zip("Nomenclature", XML, modified=stamp) == make_siecle_zip(
        "Nomenclature", XML, modified=stamp
    )


@pytest.mark.parametrize("name", ["../Eleves", "Eleves.xml", "", "a/b"])
def test_refuses_export_names_that_are_not_plain_words(name: str) -> None:
    with pytest.raises(FormatError):
        siecle_zip_filename(name)


def test_ignores_directories_and_macos_resource_forks() -> None:
    data = archive(("export/", b""), ("__MACOSX/._Eleves.xml", b"\x00\x05"), ("export/Eleves.xml", XML))
    assert read_zip_member(data, filename="z.zip") == ("export/Eleves.xml", XML)


def test_refuses_a_zip_bomb_by_its_ratio_without_inflating_it(zip_bomb: bytes) -> None:
    tracemalloc.start()
    try:
        error = refused(zip_bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.code == codes.ZIP_BOMBE
    assert peak < 16 * MEGABYTE


def test_refuses_a_zip_bomb_by_size_under_a_permissive_ratio(zip_bomb: bytes) -> None:
    error = refused(zip_bomb, max_ratio=10_000, max_uncompressed=8 * MEGABYTE)
    assert isinstance(error, FileTooLarge)
    assert error.to_problem()["status"] == 413


def test_a_header_lying_about_the_size_does_not_get_past() -> None:
    data = bytearray(archive(("Eleves.xml", b"<A>" + b" " * (5 * MEGABYTE) + b"</A>")))
    struct.pack_into("<I", data, 22, 100)  # local header: uncompressed size
    struct.pack_into("<I", data, data.rfind(b"PK\x01\x02") + 24, 100)  # central directory: same
    assert refused(bytes(data), max_ratio=1_000_000).code == codes.ZIP_INVALIDE


@pytest.mark.parametrize(
    "name", ["../Eleves.xml", "/etc/Eleves.xml", "a/../../Eleves.xml", "C:/Eleves.xml", "..\\E.xml"]
)
def test_refuses_zip_slip_paths(name: str) -> None:
    assert refused(archive((name, XML))).code == codes.ZIP_CHEMIN_INTERDIT


def test_refuses_too_many_entries_from_the_end_record() -> None:
    members = [(f"f{i}.txt", b"x") for i in range(17)]
    assert refused(archive(*members)).code == codes.ZIP_TROP_D_ENTREES


def test_refuses_too_many_entries_even_when_the_end_record_lies() -> None:
    data = bytearray(archive(*[(f"f{i}.txt", b"x") for i in range(40)], ("E.xml", XML)))
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, 1, 1)  # entries on this disk, entries in total
    assert refused(bytes(data)).code == codes.ZIP_TROP_D_ENTREES


@pytest.mark.parametrize(
    "members",
    [
        [("Eleves.zip", archive(("Eleves.xml", XML)))],
        [("Eleves.xml", archive(("inner.xml", XML)))],
        [("Eleves.xml", XML), ("more.tar.gz", b"\x1f\x8b")],
    ],
    ids=["zip-member", "zip-disguised-as-xml", "tarball-member"],
)
def test_refuses_archives_inside_the_archive(members: list[tuple[str, bytes]]) -> None:
    assert refused(archive(*members)).code == codes.ZIP_IMBRIQUE


@pytest.mark.parametrize(
    "data",
    [
        XML,
        b"PK\x03\x04 truncated",
        archive(),
        archive(("a.xml", XML), ("b.xml", XML)),
        archive(("a.txt", b"x")),
    ],
    ids=["not-a-zip", "truncated", "empty", "two-xml", "no-xml"],
)
def test_refuses_archives_that_are_not_one_xml_export(data: bytes) -> None:
    assert refused(data).code == codes.ZIP_INVALIDE
