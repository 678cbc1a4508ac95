"""parse_xml against a hostile corpus built here, and the lenient reading helpers."""

from __future__ import annotations

import codecs
import tracemalloc
from collections.abc import Callable

import pytest

from services.common.formats import errors as codes
from services.common.formats.errors import FileTooLarge, FormatError
from services.common.formats.xmlsafe import (
    element_path,
    expect_root,
    line_of,
    parse_xml,
    required_text,
    text,
)

PROLOG = b'<?xml version="1.0" encoding="ISO-8859-15"?>\n'

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<BEE_ELEVES>&lol9;</BEE_ELEVES>"""
XXE = b"""<?xml version="1.0" encoding="ISO-8859-15"?>
<!DOCTYPE BEE_ELEVES [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<BEE_ELEVES><PARAMETRES><UAJ>&xxe;</UAJ></PARAMETRES></BEE_ELEVES>"""
EXTERNAL_DTD = (
    b'<?xml version="1.0"?>\n<!DOCTYPE BEE_ELEVES SYSTEM "http://example.invalid/x.dtd">\n<BEE_ELEVES/>'
)
DOCTYPE_AFTER_COMMENT = (
    b'<?xml version="1.0"?>\n<!-- export -->\n<?pi x?>\n<!doctype BEE_ELEVES>\n<BEE_ELEVES/>'
)


def parse(data: bytes, **caps: int) -> FormatError:
    with pytest.raises(FormatError) as caught:
        parse_xml(data, filename="hostile.xml", **caps)
    assert caught.value.file == "hostile.xml"
    return caught.value


def deep(levels: int) -> bytes:
    return b"<A>" * levels + b"</A>" * levels


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (BILLION_LAUGHS, codes.XML_DOCTYPE_INTERDIT),
        (XXE, codes.XML_DOCTYPE_INTERDIT),
        (EXTERNAL_DTD, codes.XML_DOCTYPE_INTERDIT),
        (DOCTYPE_AFTER_COMMENT, codes.XML_DOCTYPE_INTERDIT),
        (b"\xef\xbb\xbf<!DOCTYPE A><A/>", codes.XML_DOCTYPE_INTERDIT),
        (deep(10_000), codes.XML_TROP_PROFOND),
        (deep(65), codes.XML_TROP_PROFOND),
        (b"<A>&undeclared;</A>", codes.XML_ENTITE_INTERDITE),
        (PROLOG + b"<BEE_ELEVES><PARAMETRES>\n<UAJ>0310053P</UAJ>\n", codes.XML_MAL_FORME),
        (b"", codes.XML_MAL_FORME),
        (b"not xml at all", codes.XML_MAL_FORME),
        (b'<?xml version="1.0" encoding="UTF-8"?>\n<A>\n\xe9</A>', codes.ENCODAGE_INVALIDE),
        (b"<A>\xe9</A>", codes.ENCODAGE_INVALIDE),
        (PROLOG + "<A>Élève</A>".encode(), codes.ENCODAGE_INVALIDE),
        (b'<?xml version="1.0" encoding="KLINGON-1"?><A/>', codes.ENCODAGE_INVALIDE),
        (b'<?xml version="1.0" encoding="rot13"?><A/>', codes.ENCODAGE_INVALIDE),
        (b'<?xml version="1.0" encoding="UTF-16"?><A/>', codes.ENCODAGE_INVALIDE),
        (codecs.BOM_UTF8 + PROLOG + "<A>é</A>".encode(), codes.ENCODAGE_INVALIDE),
    ],
    ids=[
        "billion-laughs",
        "xxe-file",
        "external-dtd",
        "doctype-after-comment-and-pi",
        "doctype-after-bom",
        "nesting-10000",
        "nesting-over-cap",
        "undeclared-entity",
        "truncated",
        "empty",
        "not-xml",
        "utf8-declared-latin-bytes",
        "no-prolog-latin-bytes",
        "latin9-declared-utf8-bytes",
        "unknown-encoding",
        "encoding-libxml2-lacks",
        "utf16-declared-without-bom",
        "utf8-bom-but-latin9-declared",
    ],
)
def test_refuses_hostile_or_broken_documents_with_their_code(data: bytes, code: str) -> None:
    assert parse(data).code == code


def test_refuses_a_file_over_the_cap_before_parsing_it() -> None:
    error = parse(PROLOG + b"<A>" + b"x" * 2000 + b"</A>", max_bytes=1000)
    assert isinstance(error, FileTooLarge)
    assert error.to_problem()["status"] == 413


def test_malformed_document_error_gives_the_line() -> None:
    error = parse(PROLOG + b"<A>\n<B>\n</A>\n")
    assert error.code == codes.XML_MAL_FORME
    assert error.line == 4


def test_invalid_utf8_error_gives_the_line() -> None:
    assert parse(b"<A>\n\n<B>\xff</B></A>").line == 3


def test_nesting_at_the_cap_is_accepted() -> None:
    assert parse_xml(deep(64), filename="ok.xml").tag == "A"


def test_hostile_documents_are_refused_without_memory_blow_up() -> None:
    hostile = [BILLION_LAUGHS, XXE, deep(10_000), PROLOG + b"<A>" + b"\xe9" * 1_000_000]
    tracemalloc.start()
    try:
        for data in hostile:
            with pytest.raises(FormatError):
                parse_xml(data, filename="hostile.xml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024


@pytest.mark.parametrize(
    "encode",
    [
        lambda doc: PROLOG + doc.encode("iso-8859-15"),
        lambda doc: doc.encode("utf-8"),
        lambda doc: codecs.BOM_UTF8 + doc.encode("utf-8"),
        lambda doc: b'<?xml version="1.0" encoding="UTF-8"?>\r\n' + doc.replace("\n", "\r\n").encode("utf-8"),
        lambda doc: '<?xml version="1.0" encoding="UTF-16"?>\n'.encode("utf-16") + doc.encode("utf-16-le"),
        lambda doc: b'<?xml version="1.0" encoding="windows-1252"?>\n' + doc.encode("cp1252"),
    ],
    ids=["latin9-prolog", "utf8-no-prolog", "utf8-bom", "crlf", "utf16-bom", "windows-1252"],
)
def test_accepts_the_encodings_and_line_ends_schools_send(encode: Callable[[str], bytes]) -> None:
    root = parse_xml(encode("<A>\n  <NOM>Cœur Élise</NOM>\n</A>"), filename="ok.xml")
    assert text(root, "NOM") == "Cœur Élise"


def test_latin9_euro_sign_is_read_as_such() -> None:
    assert parse_xml(PROLOG + b"<A>\xa4</A>", filename="ok.xml").text == "€"


def test_expect_root_names_the_found_and_expected_roots() -> None:
    root = parse_xml(PROLOG + b"<STS_EDT/>", filename="sts.xml")
    with pytest.raises(FormatError) as caught:
        expect_root(root, "BEE_ELEVES", "BEE_RESPONSABLES")
    assert caught.value.code == codes.RACINE_INATTENDUE
    assert "STS_EDT" in (caught.value.detail or "")
    assert expect_root(root, "STS_EDT") == "STS_EDT"


def test_helpers_read_leniently_and_locate_precisely() -> None:
    root = parse_xml(PROLOG + b"<R>\n<E><N> a </N><V/></E>\n<E>\n<N/></E>\n</R>", filename="r.xml")
    first, second = root.findall("E")
    assert (text(first, "N"), text(first, "V"), text(first, "X")) == ("a", "", None)
    assert element_path(second) == "/R/E[2]"
    assert line_of(second) == 4
    with pytest.raises(FormatError) as caught:
        required_text(second, "N")
    assert (caught.value.code, caught.value.path, caught.value.line) == (codes.ELEMENT_MANQUANT, "/R/E[2]", 4)
    assert caught.value.file == "r.xml"
