"""scan_xml: the whole document checked as parse_xml checks it, without its tree (issue 15, item 9)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from services.common.formats import errors as codes
from services.common.formats.errors import FormatError
from services.common.formats.xmlsafe import line_of, parse_xml, scan_xml
from tests.formats.test_xmlsafe import BILLION_LAUGHS, DOCTYPE_AFTER_COMMENT, EXTERNAL_DTD, PROLOG, XXE, deep
from tests.formats.test_xmlsafe_layers import HOSTILE, variants

HEAD = (
    PROLOG
    + b"<EDT_STS>\n<PARAMETRES>\n<UAJ>0310053P</UAJ>\n<ANNEE_SCOLAIRE>2026</ANNEE_SCOLAIRE>\n</PARAMETRES>\n"
)
BROKEN = {
    "billion-laughs": BILLION_LAUGHS,
    "xxe": XXE,
    "external-dtd": EXTERNAL_DTD,
    "doctype-after-comment": DOCTYPE_AFTER_COMMENT,
    "deep": deep(10_000),
    "over-cap": deep(65),
    "undeclared-entity": b"<A>&x;</A>",
    "truncated": HEAD + b"<DONNEES><COURS>",
    "empty": b"",
    "not-xml": b"not xml",
    "bad-utf8": b"<A>\xe9</A>",
    **{f"{case}/{variant}": body for case, doc in HOSTILE.items() for variant, body in variants(doc).items()},
}


def scan_error(data: bytes, **options: object) -> FormatError:
    with pytest.raises(FormatError) as caught:
        scan_xml(data, filename="f.xml", keep="PARAMETRES", **options)  # type: ignore[arg-type]
    return caught.value


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_refuses_what_parse_xml_refuses_with_the_same_code(name: str) -> None:
    with pytest.raises(FormatError) as whole:
        parse_xml(BROKEN[name], filename="f.xml")
    assert scan_error(BROKEN[name]).code == whole.value.code


def test_keeps_the_head_in_place_and_counts_every_element() -> None:
    body = b"<DONNEES>" + b"<COURS><JOUR>1</JOUR></COURS>\n" * 5 + b"</DONNEES></EDT_STS>"
    scan = scan_xml(HEAD + body, filename="f.xml", keep="PARAMETRES")
    assert scan.root == "EDT_STS"
    assert scan.kept is not None
    uaj = scan.kept.find("UAJ")
    assert uaj is not None
    assert (uaj.text, uaj.getroottree().getpath(uaj)) == ("0310053P", "/EDT_STS/PARAMETRES/UAJ")
    assert line_of(uaj) == 4
    assert (scan.counts["COURS"], scan.counts["JOUR"], scan.counts["EDT_STS"]) == (5, 5, 1)


def test_refuses_too_many_elements_of_one_name_at_the_first_one_too_many() -> None:
    body = b"<DONNEES>\n" + b"<SALLE_COURS>S1</SALLE_COURS>\n" * 11 + b"</DONNEES></EDT_STS>"
    error = scan_error(HEAD + body, max_per_element={"SALLE_COURS": 10})
    assert (error.code, error.line, error.file) == (codes.XML_TROP_D_ELEMENTS, 18, "f.xml")
    assert "SALLE_COURS" in (error.detail or "")
    assert scan_error(HEAD + body, default_max_per_element=10).code == codes.XML_TROP_D_ELEMENTS
    assert scan_xml(HEAD + body, filename="f.xml", keep="PARAMETRES", max_per_element={"SALLE_COURS": 11})


def test_memory_stays_that_of_the_bytes_for_a_million_elements() -> None:
    """The issue's 29 MB file with 1,000,000 SALLE_COURS, walked to its end (no cap): the peak resident
    size grows by a small fraction of what the tree would take (about 400 MB). Run in a child process,
    whose peak is its own."""
    script = f"""
        import resource
        from services.common.formats.xmlsafe import scan_xml
        rooms = b"<SALLE_COURS>S1</SALLE_COURS>" * 1_000_000
        data = {HEAD!r} + b"<DONNEES>" + rooms + b"</DONNEES></EDT_STS>"
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        scan = scan_xml(data, filename="f.xml", keep="PARAMETRES", default_max_per_element=10**7)
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(len(data) // 10**6, scan.counts["SALLE_COURS"], (after - before) // 1024)
    """
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    megabytes, count, growth = (int(value) for value in done.stdout.split())
    assert (megabytes, count) == (29, 1_000_000)
    assert growth < 40, f"the scan grew the process by {growth} MB"
