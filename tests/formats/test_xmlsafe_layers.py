"""Each layer of parse_xml's defence against entities and DTDs, tested on its own (issue 15, item 1).

The payload of the issue — a UTF-8 byte-order mark, then a DOCTYPE whose parameter entity points at
``file:///dev/zero`` — got past the prolog scan and made libxml2 read /dev/zero forever. Any single layer
below would have stopped it; the tests make sure each one still does, so that a regression in one layer is
seen even while the others hide it. Parses that a regression would turn into an endless read run in a
child process with a generous bound: the bound detects a hang, it measures nothing.
"""

from __future__ import annotations

import codecs
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from lxml import etree

from services.common.formats import errors as codes
from services.common.formats import xmlsafe
from services.common.formats.errors import FormatError
from services.common.formats.xmlsafe import RefuseEverything, hardened_parser, parse_xml, prepare

HANG_BOUND = 30.0
DECL = '<?xml version="1.0" encoding="{}"?>'


def pe_doctype(url: str, root: str = "EDT_STS") -> str:
    return f'<!DOCTYPE {root} [<!ENTITY % p SYSTEM "{url}"> %p;]><{root}/>'


def variants(doc: str) -> dict[str, bytes]:
    """The same document (no prolog in ``doc``) in every encoding and byte-order-mark combination."""
    return {
        "utf8": (DECL.format("UTF-8") + doc).encode(),
        "utf8-bom": codecs.BOM_UTF8 + (DECL.format("UTF-8") + doc).encode(),
        "utf8-bom-no-prolog": codecs.BOM_UTF8 + doc.encode(),
        "latin9": (DECL.format("ISO-8859-15") + doc).encode("iso-8859-15"),
        "utf16le-bom": codecs.BOM_UTF16_LE + (DECL.format("UTF-16") + doc).encode("utf-16-le"),
        "utf16be-bom": codecs.BOM_UTF16_BE + (DECL.format("UTF-16") + doc).encode("utf-16-be"),
        "utf16-bom-no-prolog": doc.encode("utf-16"),
        "utf16le-no-bom": (DECL.format("UTF-16") + doc).encode("utf-16-le"),
        "utf16be-no-bom-no-prolog": doc.encode("utf-16-be"),
        "utf32-bom": (DECL.format("UTF-32") + doc).encode("utf-32"),
        "utf32le-no-bom": doc.encode("utf-32-le"),
        "utf7": (DECL.format("UTF-7") + doc).encode("utf-7"),
        "ebcdic": (DECL.format("cp500") + doc).encode("cp500"),
        "leading-blanks-and-comment": (DECL.format("UTF-8") + "\n \t<!-- x -->\n" + doc).encode(),
    }


HOSTILE = {
    "pe-dev-zero": pe_doctype("file:///dev/zero"),
    "pe-passwd": pe_doctype("file:///etc/passwd"),
    "pe-missing": pe_doctype("file:///nonexistent/x.dtd"),
    "pe-http": pe_doctype("http://127.0.0.1:9/x.dtd"),
    "external-entity": '<!DOCTYPE A [<!ENTITY x SYSTEM "file:///etc/passwd">]><A>&x;</A>',
    "external-subset": '<!DOCTYPE A SYSTEM "file:///dev/zero"><A/>',
    "billion-laughs": '<!DOCTYPE A [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]><A>&c;</A>',
    "lower-case-doctype": '<!doctype A [<!ENTITY % p SYSTEM "file:///dev/zero"> %p;]><A/>',
    "bare-entity-declaration": '<!ENTITY % p SYSTEM "file:///dev/zero"><A/>',
}

ENCODING_REFUSED = {
    "utf16le-no-bom",
    "utf16be-no-bom-no-prolog",
    "utf32-bom",
    "utf32le-no-bom",
    "utf7",
    "ebcdic",
}


@pytest.mark.parametrize("variant", sorted(variants("<A/>")))
@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_prepare_refuses_every_hostile_prolog_in_every_encoding(case: str, variant: str) -> None:
    """Layers 2 and 3: encoding first, then the prolog scan; nothing reaches a parser."""
    with pytest.raises(FormatError) as caught:
        prepare(variants(HOSTILE[case])[variant], filename="hostile.xml")
    expected = codes.ENCODAGE_INVALIDE if variant in ENCODING_REFUSED else codes.XML_DOCTYPE_INTERDIT
    assert (caught.value.code, caught.value.file) == (expected, "hostile.xml")


def test_an_existing_file_and_a_missing_one_are_refused_alike() -> None:
    """No existence oracle: the answer never depends on what the entity points at."""
    answers = set()
    for url in ("file:///etc/passwd", "file:///nonexistent/x.dtd", "file:///dev/zero"):
        with pytest.raises(FormatError) as caught:
            parse_xml(codecs.BOM_UTF8 + pe_doctype(url).encode(), filename="x.xml")
        answers.add((caught.value.code, caught.value.detail, caught.value.line))
    assert len(answers) == 1


@pytest.mark.parametrize("variant", ["utf8", "utf8-bom", "latin9", "utf16le-bom", "utf16be-bom"])
def test_prepare_hands_the_parser_bom_free_ascii_compatible_bytes(variant: str) -> None:
    prepared = prepare(variants("<A>é</A>")[variant], filename="ok.xml")
    assert not prepared.data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    assert prepared.data.lstrip().startswith(b"<")
    assert etree.fromstring(prepared.data, hardened_parser(prepared.encoding)).text == "é"


def test_the_parser_reads_the_encoding_it_is_told_not_the_declared_one() -> None:
    """Layer 2's imposed encoding: a UTF-7 declaration cannot turn ``+ADw-`` into ``<``."""
    data = b'<?xml version="1.0" encoding="UTF-7"?><A>+ADw-!DOCTYPE</A>'
    assert etree.fromstring(data, hardened_parser("UTF-8")).text == "+ADw-!DOCTYPE"


def _run_isolated(code: str) -> str:
    """Run ``code`` in a child interpreter (a regression would read /dev/zero forever) and return its
    last output line; the bound only detects a hang."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=HANG_BOUND,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


def test_the_parser_alone_never_reads_an_external_parameter_entity(tmp_path: Path) -> None:
    """Layer 4 without layers 2, 3 and 5: the DOCTYPE reaches the parser, which must load nothing.

    The entity points at /dev/zero (a read that never ends) and at a file that is no DTD (libxml2 would
    report its content as an error if it had read it)."""
    garbage = tmp_path / "not-a.dtd"
    garbage.write_text("this is not a DTD <<<")
    for url in ("file:///dev/zero", garbage.as_uri()):
        outcome = _run_isolated(
            f"""
            from lxml import etree
            from services.common.formats.xmlsafe import hardened_parser
            data = {pe_doctype(url).encode()!r}
            parser = hardened_parser("UTF-8")
            root = etree.fromstring(data, parser)
            print(root.tag, len(parser.error_log))
            """
        )
        assert outcome == "EDT_STS 0"


def test_the_resolver_refuses_what_a_looser_parser_would_fetch() -> None:
    """Layer 4's resolver on its own, in parsers configured to fetch (which ours never are): the external
    subset, and the ``collect_ids=False`` trap that once made libxml2 read /dev/zero."""
    loose = etree.XMLParser(load_dtd=True, no_network=True)
    loose.resolvers.add(RefuseEverything("x.xml"))
    with pytest.raises(FormatError) as caught:
        etree.fromstring(b'<!DOCTYPE A SYSTEM "file:///etc/passwd"><A/>', loose)
    assert (caught.value.code, caught.value.detail) == (
        codes.XML_ENTITE_INTERDITE,
        "ressource externe refusée.",
    )
    outcome = _run_isolated(
        f"""
        from lxml import etree
        from services.common.formats.errors import FormatError
        from services.common.formats.xmlsafe import RefuseEverything
        trap = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, collect_ids=False)
        trap.resolvers.add(RefuseEverything())
        try:
            etree.fromstring({pe_doctype("file:///dev/zero").encode()!r}, trap)
        except FormatError as error:
            print(error.code)
        """
    )
    assert outcome == codes.XML_ENTITE_INTERDITE


def test_a_dtd_the_prolog_scan_missed_is_still_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Layer 5 on its own: with the scan disabled, the parsed document's DTD is still refused."""
    monkeypatch.setattr(xmlsafe, "_has_doctype", lambda data: False)
    with pytest.raises(FormatError) as caught:
        parse_xml(b'<!DOCTYPE A [<!ENTITY x "y">]><A>&x;</A>', filename="x.xml")
    assert caught.value.code == codes.XML_DOCTYPE_INTERDIT


def test_xinclude_is_never_processed() -> None:
    root = parse_xml(
        b'<A xmlns:xi="http://www.w3.org/2001/XInclude">'
        b'<xi:include href="file:///etc/passwd" parse="text"/></A>',
        filename="x.xml",
    )
    assert root[0].tag == "{http://www.w3.org/2001/XInclude}include"
    assert "root:" not in etree.tostring(root, encoding="unicode")
