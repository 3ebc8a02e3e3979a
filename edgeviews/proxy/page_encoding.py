"""A page's character encoding as a browser determines it: BOM, then header, then `<meta>`.

Snippets must be written in the encoding the browser will decode the page with, or a
windows-1252 or Shift_JIS page shows mojibake where ours was inserted; and a page that is
not ASCII-compatible (UTF-16) must not be rewritten at all. This is the HTML standard's
encoding sniffing algorithm (BOM sniff, transport-layer charset, "prescan a byte stream to
determine its encoding" over the first 1024 bytes, encoding labels per the Encoding
Standard), pure functions over the first bytes of the decoded body.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Final, Literal

PRESCAN_BYTES: Final = 1024
"""The prescan looks at this many bytes at most; so at most this many are held back."""

_LABELS: Final[dict[str, str]] = {
    # The Encoding Standard's encodings and their labels (https://encoding.spec.whatwg.org/).
    "UTF-8": "unicode-1-1-utf-8 unicode11utf8 unicode20utf8 utf-8 utf8 x-unicode20utf8",
    "IBM866": "866 cp866 csibm866 ibm866",
    "ISO-8859-2": (
        "csisolatin2 iso-8859-2 iso-ir-101 iso8859-2 iso88592 iso_8859-2 iso_8859-2:1987 l2 latin2"
    ),
    "ISO-8859-3": (
        "csisolatin3 iso-8859-3 iso-ir-109 iso8859-3 iso88593 iso_8859-3 iso_8859-3:1988 l3 latin3"
    ),
    "ISO-8859-4": (
        "csisolatin4 iso-8859-4 iso-ir-110 iso8859-4 iso88594 iso_8859-4 iso_8859-4:1988 l4 latin4"
    ),
    "ISO-8859-5": (
        "csisolatincyrillic cyrillic iso-8859-5 iso-ir-144 iso8859-5 iso88595 iso_8859-5 "
        "iso_8859-5:1988"
    ),
    "ISO-8859-6": (
        "arabic asmo-708 csiso88596e csiso88596i csisolatinarabic ecma-114 iso-8859-6 "
        "iso-8859-6-e iso-8859-6-i iso-ir-127 iso8859-6 iso88596 iso_8859-6 "
        "iso_8859-6:1987"
    ),
    "ISO-8859-7": (
        "csisolatingreek ecma-118 elot_928 greek greek8 iso-8859-7 iso-ir-126 iso8859-7 "
        "iso88597 iso_8859-7 iso_8859-7:1987 sun_eu_greek"
    ),
    "ISO-8859-8": (
        "csiso88598e csisolatinhebrew hebrew iso-8859-8 iso-8859-8-e iso-ir-138 iso8859-8 "
        "iso88598 iso_8859-8 iso_8859-8:1988 visual"
    ),
    "ISO-8859-8-I": "csiso88598i iso-8859-8-i logical",
    "ISO-8859-10": "csisolatin6 iso-8859-10 iso-ir-157 iso8859-10 iso885910 l6 latin6",
    "ISO-8859-13": "iso-8859-13 iso8859-13 iso885913",
    "ISO-8859-14": "iso-8859-14 iso8859-14 iso885914",
    "ISO-8859-15": "csisolatin9 iso-8859-15 iso8859-15 iso885915 iso_8859-15 l9",
    "ISO-8859-16": "iso-8859-16",
    "KOI8-R": "cskoi8r koi koi8 koi8-r koi8_r",
    "KOI8-U": "koi8-ru koi8-u",
    "macintosh": "csmacintosh mac macintosh x-mac-roman",
    "windows-874": "dos-874 iso-8859-11 iso8859-11 iso885911 tis-620 windows-874",
    "windows-1250": "cp1250 windows-1250 x-cp1250",
    "windows-1251": "cp1251 windows-1251 x-cp1251",
    "windows-1252": (
        "ansi_x3.4-1968 ascii cp1252 cp819 csisolatin1 ibm819 iso-8859-1 iso-ir-100 "
        "iso8859-1 iso88591 iso_8859-1 iso_8859-1:1987 l1 latin1 us-ascii windows-1252 "
        "x-cp1252"
    ),
    "windows-1253": "cp1253 windows-1253 x-cp1253",
    "windows-1254": (
        "cp1254 csisolatin5 iso-8859-9 iso-ir-148 iso8859-9 iso88599 iso_8859-9 "
        "iso_8859-9:1989 l5 latin5 windows-1254 x-cp1254"
    ),
    "windows-1255": "cp1255 windows-1255 x-cp1255",
    "windows-1256": "cp1256 windows-1256 x-cp1256",
    "windows-1257": "cp1257 windows-1257 x-cp1257",
    "windows-1258": "cp1258 windows-1258 x-cp1258",
    "x-mac-cyrillic": "x-mac-cyrillic x-mac-ukrainian",
    "GBK": "chinese csgb2312 csiso58gb231280 gb2312 gb_2312 gb_2312-80 gbk iso-ir-58 x-gbk",
    "gb18030": "gb18030",
    "Big5": "big5 big5-hkscs cn-big5 csbig5 x-x-big5",
    "EUC-JP": "cseucpkdfmtjapanese euc-jp x-euc-jp",
    "ISO-2022-JP": "csiso2022jp iso-2022-jp",
    "Shift_JIS": "csshiftjis ms932 ms_kanji shift-jis shift_jis sjis windows-31j x-sjis",
    "EUC-KR": (
        "cseuckr csksc56011987 euc-kr iso-ir-149 korean ks_c_5601-1987 ks_c_5601-1989 "
        "ksc5601 ksc_5601 windows-949"
    ),
    "replacement": "csiso2022kr hz-gb-2312 iso-2022-cn iso-2022-cn-ext iso-2022-kr replacement",
    "UTF-16BE": "unicodefffe utf-16be",
    "UTF-16LE": "csunicode iso-10646-ucs-2 ucs-2 unicode unicodefeff utf-16 utf-16le",
    "x-user-defined": "x-user-defined",
}
ENCODING_OF_LABEL: Final = {
    label: name for name, labels in _LABELS.items() for label in labels.split()
}

PYTHON_CODEC: Final = {
    "UTF-8": "utf-8",
    "IBM866": "cp866",
    **{f"ISO-8859-{n}": f"iso8859_{n}" for n in (2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 15, 16)},
    "ISO-8859-8-I": "iso8859_8",
    "KOI8-R": "koi8_r",
    "KOI8-U": "koi8_u",
    "macintosh": "mac_roman",
    "windows-874": "cp874",
    **{f"windows-{n}": f"cp{n}" for n in range(1250, 1259)},
    "x-mac-cyrillic": "mac_cyrillic",
    "GBK": "gbk",
    "gb18030": "gb18030",
    "Big5": "big5hkscs",
    "EUC-JP": "euc_jp",
    "Shift_JIS": "cp932",
    "EUC-KR": "cp949",
}
"""The Python codec that encodes like the browser decodes (Shift_JIS is windows-31j there)."""

NOT_REWRITABLE: Final = frozenset({"UTF-16BE", "UTF-16LE", "ISO-2022-JP", "replacement"})
"""Encodings whose bytes for '<', '>' and quotes are not always those characters: UTF-16, and
ISO-2022-JP (its two-byte mode uses 0x21-0x7E); `replacement` renders as one U+FFFD."""

_WHITESPACE: Final = b"\t\n\x0c\r "
_BOMS: Final = ((b"\xef\xbb\xbf", "UTF-8"), (b"\xfe\xff", "UTF-16BE"), (b"\xff\xfe", "UTF-16LE"))
_HEAD_TAGS: Final = frozenset(
    b"html head meta title link style script base noscript template".split()
)
_UTF16LE_START: Final = re.compile(rb"[\x01-\x7f]\x00[\x01-\x7f]\x00")
_UTF16BE_START: Final = re.compile(rb"\x00[\x01-\x7f]\x00[\x01-\x7f]")
_XML_TYPE: Final = re.compile(rb"\s*application/xhtml\+xml\s*(;|$)", re.I)
_XML_DECLARATION: Final = re.compile(
    rb"<\?xml[\t\n\r ]+version[\t\n\r ]*=[\t\n\r ]*[\"'][^\"']*[\"'][\t\n\r ]+"
    rb"encoding[\t\n\r ]*=[\t\n\r ]*[\"']([A-Za-z][A-Za-z0-9._-]*)[\"']"
)
_CHARSET_PARAM: Final = re.compile(rb";\s*charset\s*=\s*(\"[^\"]*\"|'[^']*'|[^;\s]*)", re.I)


def encoding_for_label(label: str | bytes) -> str | None:
    """The Encoding Standard's "get an encoding": the encoding a label names, or None."""
    if isinstance(label, bytes):
        label = label.decode("latin-1")
    return ENCODING_OF_LABEL.get(label.strip("\t\n\x0c\r ").lower())


def bom_encoding(data: bytes) -> str | None:
    """The encoding a byte-order mark at the start of `data` announces, if any."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    return None


@functools.lru_cache(maxsize=128)
def header_encoding(content_type: bytes | None) -> str | None:
    """The encoding of the Content-Type's charset parameter, when it names a known one (cached:
    a site sends a handful of distinct Content-Types)."""
    if not content_type:
        return None
    match = _CHARSET_PARAM.search(content_type)
    if match is None:
        return None
    return encoding_for_label(match.group(1).strip(b"\"'"))


EncodingSource = Literal["bom", "header", "meta", "xml", "sniffed", "undeclared"]


@dataclass(frozen=True, slots=True)
class PageEncoding:
    """How the browser will decode a page, and where that was learned."""

    encoding: str | None
    """The Encoding Standard's name; None when nothing declares one (the browser guesses)."""
    source: EncodingSource
    """Where it was learned. `xml`: an application/xhtml+xml page, read by the XML parser (its
    declaration, else UTF-8). `sniffed`: nothing declared, but the first bytes are ASCII text
    in UTF-16 (NUL bytes between ASCII ones, which no ASCII-compatible page starts with)."""

    @property
    def rewritable(self) -> bool:
        """False for encodings where inserting ASCII bytes would corrupt the page."""
        return self.encoding not in NOT_REWRITABLE

    @property
    def snippet_charset(self) -> str | None:
        """The Python codec snippets are encoded with; None for UTF-8 (the rewriter's own).

        Undeclared pages get ASCII with character references for anything else: right
        whichever ASCII-compatible encoding the browser guesses (windows-1252 in most
        locales), except inside a <script>, where only ASCII is safe on such pages.
        """
        if self.encoding is None:
            return "ascii"
        if self.encoding == "UTF-8":
            return None
        return PYTHON_CODEC.get(self.encoding, "ascii")


def sniff_page_encoding(first: bytes, content_type: bytes | None) -> PageEncoding:
    """The page's encoding from its first decoded bytes (up to PRESCAN_BYTES are read) and its
    Content-Type: a BOM wins over the header, the header over `<meta>` (HTML's sniffing order).
    Undeclared UTF-16 is recognised by its NUL bytes, so it is never rewritten either."""
    if first[:1] in _BOM_STARTS:
        bom = bom_encoding(first)
        if bom is not None:
            return _page_encoding(bom, "bom")
    declared, xml = _content_type_facts(content_type)
    if declared is not None:
        return _page_encoding(declared, "header")
    if xml:
        # XHTML goes to the XML parser: no <meta> prescan; the XML declaration, else UTF-8.
        declaration = _XML_DECLARATION.match(first)
        named = encoding_for_label(declaration.group(1)) if declaration else None
        return _page_encoding(named or "UTF-8", "xml")
    found = prescan(first)
    if found is not None:
        return _page_encoding(found, "meta")
    if _UTF16LE_START.match(first):
        return _page_encoding("UTF-16LE", "sniffed")
    if _UTF16BE_START.match(first):
        return _page_encoding("UTF-16BE", "sniffed")
    return _page_encoding(None, "undeclared")


_BOM_STARTS: Final = (b"\xef", b"\xfe", b"\xff")


@functools.lru_cache(maxsize=128)
def _content_type_facts(content_type: bytes | None) -> tuple[str | None, bool]:
    """The header's encoding, and whether the type is XHTML (read by the XML parser)."""
    xml = content_type is not None and _XML_TYPE.match(content_type) is not None
    return header_encoding(content_type), xml


@functools.lru_cache(maxsize=256)
def _page_encoding(encoding: str | None, source: EncodingSource) -> PageEncoding:
    """One shared (frozen) value per answer: building a dataclass costs more than the lookup."""
    return PageEncoding(encoding, source)


def prescan_settled(first: bytes) -> bool:
    """Whether the first decoded bytes of a page suffice to sniff its encoding, or more of the
    body should be waited for (up to PRESCAN_BYTES; the caller also stops at the body's end).

    Enough once PRESCAN_BYTES are there, a BOM or a `<meta>` declaration is found, or a start
    tag that cannot be in <head> appears (as Chromium's meta scanner stops there): an upstream
    that sends `<head>...<body><p>` and pauses is not held up for the rest of 1024 bytes.
    """
    if len(first) >= PRESCAN_BYTES or bom_encoding(first) is not None:
        return True
    scan = _Prescan(first, watch_tags=True)
    return scan.run() is not None or scan.body_started


def prescan(data: bytes) -> str | None:
    """HTML's "prescan a byte stream to determine its encoding" over data[:PRESCAN_BYTES]."""
    data = data[:PRESCAN_BYTES]
    if _META_START.search(data) is None and data[:2] not in (b"<\x00", b"\x00<"):
        return None  # only a <meta> (or a UTF-16 XML declaration) can give an answer
    return _Prescan(data).run()


_META_START: Final = re.compile(rb"<[Mm][Ee][Tt][Aa][\t\n\x0c\r /]")


class _EndOfInput(Exception):
    """The bytes ran out inside a construct: the prescan gives no answer (as html5lib)."""


_ATTRIBUTE: Final = re.compile(
    rb"[\t\n\x0c\r /]*(?:(>)|([^\t\n\x0c\r />][^\t\n\x0c\r />=]*)"
    rb"(?:[\t\n\x0c\r ]*=[\t\n\x0c\r ]*"
    rb"(?:\"([^\"]*)\"|'([^']*)'|(?=>)|([^\t\n\x0c\r >]+)))?)"
)
"""The standard's "get an attribute" as one match (the byte-by-byte steps cost ~0.3 ms per
1024 bytes in Python). A name may start with '='; a quote that is never closed runs to the end
of the input, as does every tag without its '>': both give no answer, as in the standard."""
_TAG_NAME: Final = re.compile(rb"[^\t\n\x0c\r >]*")

_WS = rb"[\t\n\x0c\r ]"
_VALUE = rb"(?:\"[^\"]*+\"|'[^']*+'|(?=>)|[^\t\n\x0c\r >\"'][^\t\n\x0c\r >]*+)"
_ATTRIBUTES_TO_END = (
    # Attributes as _ATTRIBUTE reads them, up to the tag's '>'. Every quantifier is possessive
    # and each attribute atomic, so a name or value is never cut shorter to let a match
    # succeed: the standard reads byte by byte and never goes back. A '=' must be followed
    # by a value (a quote never closed makes the whole match fail).
    rb"(?>[\t\n\x0c\r /]*+[^\t\n\x0c\r />][^\t\n\x0c\r />=]*+"
    rb"(?:" + _WS + rb"*+=" + _WS + rb"*+" + _VALUE + rb"|(?!" + _WS + rb"*+=)))*+"
    rb"[\t\n\x0c\r /]*+>"
)
_SKIPPED_TAG = (
    # `<` or `</` and a letter, not `<meta` + space or slash: the name, then its attributes.
    rb"<(?![Mm][Ee][Tt][Aa][\t\n\x0c\r /])/?[A-Za-z][^\t\n\x0c\r >]*+" + _ATTRIBUTES_TO_END
)
_SKIP: Final = re.compile(
    rb"(?:[^<]++|<!(?=--).*?-->|"
    + _SKIPPED_TAG
    + rb"|<(?:!(?!--)|/(?![A-Za-z])|\?)[^>]*+>|<(?![A-Za-z!/?]))*+",
    re.S,
)
"""Every construct the prescan passes over without a result, as one match (the prescan's
cost was mostly Python per tag: 10 -> 3.5 us on wiki145.html's head). It stops at a `<meta` with a
space or slash, at the end, or at a construct it cannot take whole (the input ends inside
it); the step-by-step loop goes on from there, so the answer is the same."""


_META_CHARSET_FIRST: Final = re.compile(
    rb"<[Mm][Ee][Tt][Aa][\t\n\x0c\r /]++[Cc][Hh][Aa][Rr][Ss][Ee][Tt]"
    + _WS
    + rb"*+="
    + _WS
    + rb"*+(?:\"([^\"]++)\"|'([^']++)'|([^\t\n\x0c\r >\"'][^\t\n\x0c\r >]*+))"
    + _ATTRIBUTES_TO_END
)
"""`<meta charset=...>` with `charset` first and the tag complete: the value decides (a later
charset or content attribute cannot change it), without reading attribute by attribute."""

_META_TAG: Final = re.compile(rb"<[Mm][Ee][Tt][Aa][\t\n\x0c\r /]" + _ATTRIBUTES_TO_END)
"""A whole `<meta>` tag: without the word "charset" in it, none of its attributes declares one."""


class _Prescan:
    """The prescan's loop over a byte string, in the standard's order of cases."""

    def __init__(self, data: bytes, *, watch_tags: bool = False) -> None:
        self.data = data
        self.pos = 0
        self.watch_tags = watch_tags
        """Look at each tag's name (for `body_started`): step by step, without _SKIP."""
        self.body_started = False

    def run(self) -> str | None:
        data = self.data
        if data.startswith(b"<\x00?\x00x\x00"):
            return "UTF-16LE"
        if data.startswith(b"\x00<\x00?\x00x"):
            return "UTF-16BE"
        try:
            while True:
                if not self.watch_tags:
                    self.pos = _skip_end(data, self.pos)
                pos = data.find(b"<", self.pos)
                if pos < 0:
                    return None
                self.pos = pos
                if data.startswith(b"<!--", pos):
                    end = data.find(b"-->", pos + 2)
                    if end < 0:
                        return None
                    self.pos = end + 3
                elif data[pos + 1 : pos + 5].lower() == b"meta" and data[pos + 5 : pos + 6] in (
                    b"\t",
                    b"\n",
                    b"\x0c",
                    b"\r",
                    b" ",
                    b"/",
                ):
                    quick = _META_CHARSET_FIRST.match(data, pos)
                    if quick is not None:
                        found = _meta_result(encoding_for_label(quick[1] or quick[2] or quick[3]))
                        if found is not None:
                            return found
                        self.pos = quick.end()
                        continue
                    whole = _META_TAG.match(data, pos)
                    if whole is not None and b"charset" not in whole.group().lower():
                        self.pos = whole.end()  # complete, and no attribute can declare one
                        continue
                    self.pos = pos + 6
                    found = self.meta()
                    if found is not None:
                        return found
                    self.pos += 1
                elif _is_letter(data, pos + 1) or (
                    data[pos + 1 : pos + 2] == b"/" and _is_letter(data, pos + 2)
                ):
                    self.tag(closing=data[pos + 1] == 0x2F)
                elif data[pos + 1 : pos + 2] in (b"!", b"/", b"?"):
                    end = data.find(b">", pos + 2)
                    if end < 0:
                        return None
                    self.pos = end + 1
                else:
                    self.pos = pos + 1
        except _EndOfInput:
            return None

    def tag(self, closing: bool) -> None:
        """A start or end tag other than <meta>: its attributes are skipped over."""
        start = self.pos + (2 if closing else 1)
        name = _TAG_NAME.match(self.data, start)
        assert name is not None  # the pattern matches the empty string
        self.pos = name.end()
        if not closing and name.group().rstrip(b"/").lower() not in _HEAD_TAGS:
            self.body_started = True
        while self.attribute() is not None:
            pass
        self.pos += 1

    def meta(self) -> str | None:
        """After `<meta` and one space or slash: its declared encoding, if it declares one."""
        names: set[bytes] = set()
        got_pragma = False
        need_pragma: bool | None = None
        charset: str | None = None
        charset_seen = False  # the standard's "null" (unset) versus failure (an unknown label)
        while (attribute := self.attribute()) is not None:
            name, value = attribute
            if name in names:
                continue
            names.add(name)
            if name == b"http-equiv":
                got_pragma = got_pragma or value == b"content-type"
            elif name == b"content":
                extracted = charset_from_content(value)
                if extracted is not None and not charset_seen:
                    charset, charset_seen, need_pragma = extracted, True, True
            elif name == b"charset":
                charset, charset_seen, need_pragma = encoding_for_label(value), True, False
        if need_pragma is None or (need_pragma and not got_pragma):
            return None
        return _meta_result(charset)

    def attribute(self) -> tuple[bytes, bytes] | None:
        """The next attribute (name and value lower-cased); None at the tag's `>`, which the
        position is then left on. Raises _EndOfInput where the standard would read past the end."""
        match = _ATTRIBUTE.match(self.data, self.pos)
        if match is not None and match.group(1) is not None:
            self.pos = match.start(1)
            return None
        if match is None or match.end() >= len(self.data):
            raise _EndOfInput
        self.pos = match.end()
        unquoted = match.group(5)
        if unquoted is not None and unquoted[0] in b"\"'":
            raise _EndOfInput  # a quote never closed
        value = match.group(3) or match.group(4) or unquoted or b""
        return match.group(2).lower(), value.lower()


def _meta_result(charset: str | None) -> str | None:
    """What a <meta> declaring `charset` makes the prescan answer."""
    if charset in ("UTF-16BE", "UTF-16LE"):
        return "UTF-8"  # a <meta> readable as ASCII cannot be in UTF-16
    if charset == "x-user-defined":
        return "windows-1252"
    return charset


def _skip_end(data: bytes, pos: int) -> int:
    match = _SKIP.match(data, pos)
    assert match is not None  # the pattern matches the empty string
    return match.end()


def _is_letter(data: bytes, index: int) -> bool:
    return index < len(data) and (0x41 <= data[index] <= 0x5A or 0x61 <= data[index] <= 0x7A)


def charset_from_content(value: bytes) -> str | None:
    """HTML's "extracting a character encoding from a meta element" (its content attribute)."""
    position = 0
    lowered = value.lower()
    while True:
        found = lowered.find(b"charset", position)
        if found < 0:
            return None
        position = found + 7
        while position < len(value) and value[position] in _WHITESPACE:
            position += 1
        if position < len(value) and value[position] == 0x3D:
            break
    position += 1
    while position < len(value) and value[position] in _WHITESPACE:
        position += 1
    if position >= len(value):
        return None
    first = value[position]
    if first in b"\"'":
        end = value.find(bytes((first,)), position + 1)
        return None if end < 0 else encoding_for_label(value[position + 1 : end])
    end = position
    while end < len(value) and value[end] not in _WHITESPACE and value[end] != 0x3B:
        end += 1
    return encoding_for_label(value[position:end])
