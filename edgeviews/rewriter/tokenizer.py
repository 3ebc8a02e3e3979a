"""The scanner's decisions as WHATWG tokens, for checking it against the html5lib tests.

The rewriter never builds tokens: it only needs to know where tags are. This module
runs the same scanner with every tag, text run and comment reported, and decodes them
as a browser would (character references, NUL, CR/LF), so the tokenizer can be compared
token by token with the html5lib tokenizer tests. It is a test and debugging aid, not
the fast path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from edgeviews.rewriter.attributes import decode_references, parse_attributes
from edgeviews.rewriter.scanner import CDATA, DATA, PLAINTEXT, RAWTEXT, SCRIPT, Scanner


@dataclass
class StartTag:
    name: str
    attributes: dict[str, str] = field(default_factory=dict)
    self_closing: bool = False


@dataclass
class EndTag:
    name: str


@dataclass
class CommentToken:
    data: str


@dataclass
class Characters:
    data: str


@dataclass
class Doctype:
    name: str | None
    public_id: str | None
    system_id: str | None
    correct: bool


Token = StartTag | EndTag | CommentToken | Characters | Doctype

STATES = {
    "Data state": DATA,
    "PLAINTEXT state": PLAINTEXT,
    "RCDATA state": RAWTEXT,
    "RAWTEXT state": RAWTEXT,
    "Script data state": SCRIPT,
    "CDATA section state": CDATA,
}

_NEWLINES = re.compile(r"\r\n?")
_WS = "\t\n\f\r "


def _clean(text: str, nul: str = "\ufffd") -> str:
    """Input-stream preprocessing (CR LF and CR become LF) and NUL replacement."""
    return _NEWLINES.sub("\n", text).replace("\0", nul)


def _decode(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogatepass")


class Tokenizer(Scanner):
    """Runs the scanner over a whole document and records the tokens it decided on."""

    def __init__(self) -> None:
        super().__init__(tree_states=False)
        self.interest_starts = None
        self.interest_ends = None
        self.text_events = True
        self.comment_events = True
        self.refresh()
        self.tokens: list[Token] = []
        self._text_pieces: list[tuple[str, bytes]] = []

    def tokenize(
        self, data: bytes, state: str = "Data state", last_start_tag: str = ""
    ) -> list[Token]:
        """Tokenize `data` from `state` (an html5lib initial state name)."""
        self.start(state, last_start_tag)
        self.feed(data)
        self.finish()
        return self.tokens

    def start(self, state: str, last_start_tag: str = "") -> None:
        """Set the initial state (an html5lib state name) before feeding."""
        self.set_state(STATES[state], last_start_tag.encode(), rcdata=state == "RCDATA state")

    def finish(self) -> None:
        super().finish()
        self._flush_text()
        self.out.clear()

    def _append(self, token: Token) -> None:
        self._flush_text()
        self.tokens.append(token)

    def _flush_text(self) -> None:
        """Decode the text collected since the last token, run by run of one kind."""
        pieces = self._text_pieces
        index = 0
        while index < len(pieces):
            kind = pieces[index][0]
            run = []
            while index < len(pieces) and pieces[index][0] == kind:
                run.append(pieces[index][1])
                index += 1
            text = _clean(_decode(b"".join(run)), "\0" if kind in ("data", "cdata") else "\ufffd")
            if kind in ("data", "rcdata") and "&" in text:
                text = decode_references(text, in_attribute=False)
            self._characters(text)
        pieces.clear()

    def _characters(self, text: str) -> None:
        if not text:
            return
        if self.tokens and isinstance(self.tokens[-1], Characters):
            self.tokens[-1].data += text
        else:
            self.tokens.append(Characters(text))

    def on_text(self, buf: bytes, start: int, end: int, last: bool, raw: bool) -> bytes | None:
        mode = self.mode
        if mode == DATA:
            kind = "data"
        elif mode == CDATA:
            kind = "cdata"
        elif mode == RAWTEXT and self.rcdata:
            kind = "rcdata"
        else:
            kind = "raw"
        self._text_pieces.append((kind, buf[start:end]))
        return None

    def on_start_tag(
        self, buf: bytes, low: bytes, start: int, end: int, name: bytes
    ) -> bytes | None:
        raw, lower = buf[start:end], low[start:end]
        attributes = parse_attributes(raw, lower, 1 + len(name))
        values: dict[str, str] = {}
        for attribute in attributes:
            key = _clean(attribute.name)
            if key not in values:
                values[key] = _clean(attribute.value)
        closing = raw.endswith(b"/>") and (not attributes or attributes[-1].end != len(raw) - 1)
        self._append(StartTag(_clean(_decode(name)), values, closing))
        return None

    def on_end_tag(self, buf: bytes, low: bytes, start: int, end: int, name: bytes) -> bytes | None:
        self._append(EndTag(_clean(_decode(name))))
        return None

    def on_comment(self, buf: bytes, start: int, end: int, kind: int) -> bytes | None:
        raw = _decode(buf[start:end])
        if kind == 3:  # CDATA section: its content is text
            body = raw[9:]
            self._text_pieces.append(
                ("cdata", buf[start + 9 : end - 3 if raw.endswith("]]>") else end])
            )
            return None
        if kind == 2:
            self._append(_parse_doctype(raw))
            return None
        if kind == 1:  # bogus comment: `<?x>` is "?x", `<!x>` "x", `</ x>` " x"
            body = raw[1:] if raw[1] == "?" else raw[2:]
            self._append(CommentToken(_clean(body.removesuffix(">"))))
            return None
        body = raw[4:]
        if body in (">", "->"):
            body = ""
        elif body.endswith("--!>"):
            body = body[:-4]
        elif body.endswith("-->"):
            body = body[:-3]
        else:  # cut by the end of the document
            for ending in ("--!", "--", "-"):
                if body.endswith(ending):
                    body = body[: -len(ending)]
                    break
        self._append(CommentToken(_clean(body)))
        return None


def _parse_doctype(raw: str) -> Doctype:
    """The DOCTYPE states of the tokenizer, over the text from `<!` to `>` (or the end)."""
    complete = raw.endswith(">")
    text = _clean(
        raw[len("<!doctype") :].removesuffix(">") if complete else raw[len("<!doctype") :]
    )
    size = len(text)
    pos = 0

    def skip_ws() -> None:
        nonlocal pos
        while pos < size and text[pos] in _WS:
            pos += 1

    skip_ws()
    if pos >= size:  # `>` or the end before a name
        return Doctype(None, None, None, False)
    start = pos
    while pos < size and text[pos] not in _WS:
        pos += 1
    name = _lower_ascii(text[start:pos])
    skip_ws()
    if pos >= size:
        return Doctype(name, None, None, complete)
    keyword = text[pos : pos + 6].lower()
    if keyword not in ("public", "system"):
        return Doctype(name, None, None, False)  # bogus DOCTYPE, force-quirks
    pos += 6
    ids: list[str | None] = [None, None]
    slot = 0 if keyword == "public" else 1
    while True:
        skip_ws()
        if pos >= size or text[pos] not in "'\"":
            # `>`, the end, or anything else where an identifier should start: quirks
            return Doctype(name, ids[0], ids[1], False)
        quote = text[pos]
        close = text.find(quote, pos + 1)
        if close < 0:  # cut by `>` (abrupt) or by the end of the document
            ids[slot] = text[pos + 1 :]
            return Doctype(name, ids[0], ids[1], False)
        ids[slot] = text[pos + 1 : close]
        pos = close + 1
        if slot == 1:
            skip_ws()
            # after the system id, anything else is the bogus DOCTYPE state: not quirks
            return Doctype(name, ids[0], ids[1], complete or pos < size)
        slot = 1
        skip_ws()
        if pos >= size:
            return Doctype(name, ids[0], ids[1], complete)
        if text[pos] not in "'\"":
            return Doctype(name, ids[0], ids[1], False)


def _lower_ascii(text: str) -> str:
    return "".join(char.lower() if char.isascii() else char for char in text)
