"""A slow, obviously-correct reference for where a page's body ends, for checking the rewriter.

The tokenizer below is a character-by-character transcription of the WHATWG tokenizer
states (https://html.spec.whatwg.org/multipage/parsing.html#tokenization), one branch per
state, with no shortcuts: it is the second opinion the fast rewriter is compared against.
Character references are not decoded (they never delimit a tag) and parse errors are not
reported. Bytes are read as Latin-1 so every character offset is a byte offset and any
ASCII-compatible encoding passes unchanged.

On top of it sits just enough tree construction to know which tokenizer state follows a
start tag (script, RCDATA, RAWTEXT, plaintext; none of them in svg/math), whether CDATA
sections are allowed (foreign content), and which end tag closes the body: the first
`</body>` or `</html>` end tag that the tree builder processes with an HTML `<template>`
neither open nor ignoring it; with none, the end of the document. Deliberately left out,
because random documents and our pages do not need them: tables (where `</body>` is
ignored), `<select>` and `<frameset>`, and the adoption agency algorithm.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

WHITESPACE = "\t\n\f\r "  # \r never reaches the tokenizer after preprocessing; treat it alike
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def is_alpha(c: str) -> bool:
    return ("a" <= c <= "z") or ("A" <= c <= "Z")


@dataclass
class Tag:
    """A start or end tag token with its byte span [start, end) in the document."""

    kind: str  # "start" or "end"
    name: str
    start: int
    end: int = -1
    attributes: list[tuple[str, str]] = field(default_factory=list)
    self_closing: bool = False
    in_template: bool = False  # an HTML <template> was open when the tree builder saw it
    foreign: bool = False  # a start tag that made an svg or MathML element

    def attribute_dict(self) -> dict[str, str]:
        """Attributes as the tree sees them: the first of duplicated names wins."""
        seen: dict[str, str] = {}
        for name, value in self.attributes:
            seen.setdefault(name, value)
        return seen


@dataclass
class Comment:
    start: int
    end: int
    data: str


@dataclass
class Chars:
    start: int
    data: str


Token = Tag | Comment | Chars


class Tokenizer:
    """WHATWG tokenizer over a whole document; `sink` receives each token as it is emitted."""

    def __init__(self, text: str, sink: Callable[[Token], None]) -> None:
        self.text = text
        self.sink = sink
        self.state = "data"
        self.pos = 0
        self.tag: Tag | None = None
        self.tag_start = 0
        self.attr_name = ""
        self.attr_value = ""
        self.buffer = ""  # the spec's temporary buffer
        self.comment = ""
        self.comment_start = 0
        self.last_start_tag = ""
        self.allow_cdata: Callable[[], bool] = lambda: False
        self.attr_open = False

    # -- emission ------------------------------------------------------------------------
    def emit_chars(self, data: str, at: int) -> None:
        self.sink(Chars(at, data))

    def start_attribute(self) -> None:
        self.finish_attribute()
        self.attr_name = ""
        self.attr_value = ""
        self.attr_open = True

    def finish_attribute(self) -> None:
        if self.attr_open and self.tag is not None:
            self.tag.attributes.append((self.attr_name, self.attr_value))
        self.attr_open = False

    def emit_tag(self, end: int) -> None:
        self.finish_attribute()
        tag = self.tag
        assert tag is not None
        tag.end = end
        self.tag = None
        if tag.kind == "start":
            self.last_start_tag = tag.name
        self.state = "data"
        self.sink(tag)

    def emit_comment(self, end: int) -> None:
        self.sink(Comment(self.comment_start, end, self.comment))

    def appropriate(self) -> bool:
        return self.tag is not None and self.tag.name == self.last_start_tag

    # -- the machine -----------------------------------------------------------------------
    def run(self) -> None:
        text = self.text
        n = len(text)
        while True:
            c = text[self.pos] if self.pos < n else ""  # "" is EOF
            if not self.step(c):
                return

    def consume_text_end_tag_name(self, c: str, fallback: str) -> None:
        """The shared body of the RCDATA/RAWTEXT/script(-escaped) end tag name states."""
        assert self.tag is not None
        if c != "" and c in WHITESPACE and self.appropriate():
            self.state = "before_attribute_name"
            self.pos += 1
        elif c == "/" and self.appropriate():
            self.state = "self_closing_start_tag"
            self.pos += 1
        elif c == ">" and self.appropriate():
            self.pos += 1
            self.emit_tag(self.pos)
        elif c != "" and is_alpha(c):
            self.tag.name += c.lower()
            self.buffer += c
            self.pos += 1
        else:
            self.tag = None
            self.emit_chars("</" + self.buffer, self.tag_start)
            self.state = fallback  # reconsume

    def step(self, c: str) -> bool:
        """Run one step of the current state; False at the end of the document."""
        s = self.state
        pos = self.pos
        eof = c == ""

        if s in ("data", "rcdata", "rawtext", "script_data", "plaintext"):
            if eof:
                return False
            if c == "<" and s != "plaintext":
                self.tag_start = pos
                self.state = {
                    "data": "tag_open",
                    "rcdata": "rcdata_less_than_sign",
                    "rawtext": "rawtext_less_than_sign",
                    "script_data": "script_data_less_than_sign",
                }[s]
            else:
                self.emit_chars(c, pos)
            self.pos += 1
            return True

        if s == "tag_open":
            if c == "!":
                self.state = "markup_declaration_open"
                self.pos += 1
            elif c == "/":
                self.state = "end_tag_open"
                self.pos += 1
            elif not eof and is_alpha(c):
                self.tag = Tag("start", "", self.tag_start)
                self.state = "tag_name"
            elif c == "?":
                self.comment = ""
                self.comment_start = self.tag_start
                self.state = "bogus_comment"
            else:
                self.emit_chars("<", self.tag_start)
                if eof:
                    return False
                self.state = "data"
            return True

        if s == "end_tag_open":
            if not eof and is_alpha(c):
                self.tag = Tag("end", "", self.tag_start)
                self.state = "tag_name"
            elif c == ">":
                self.state = "data"
                self.pos += 1
            elif eof:
                self.emit_chars("</", self.tag_start)
                return False
            else:
                self.comment = ""
                self.comment_start = self.tag_start
                self.state = "bogus_comment"
            return True

        if s == "tag_name":
            assert self.tag is not None
            if eof:
                return False
            self.pos += 1
            if c in WHITESPACE:
                self.state = "before_attribute_name"
            elif c == "/":
                self.state = "self_closing_start_tag"
            elif c == ">":
                self.emit_tag(self.pos)
            else:
                self.tag.name += c.lower() if c in UPPER else c
            return True

        for kind in ("rcdata", "rawtext", "script_data"):
            if s == kind + "_less_than_sign":
                if c == "/":
                    self.buffer = ""
                    self.state = kind + "_end_tag_open"
                    self.pos += 1
                elif kind == "script_data" and c == "!":
                    self.state = "script_data_escape_start"
                    self.emit_chars("<!", pos - 1)
                    self.pos += 1
                else:
                    self.emit_chars("<", self.tag_start)
                    self.state = kind
                return True
            if s == kind + "_end_tag_open":
                if not eof and is_alpha(c):
                    self.tag = Tag("end", "", self.tag_start)
                    self.state = kind + "_end_tag_name"
                else:
                    self.emit_chars("</", self.tag_start)
                    self.state = kind
                return True
            if s == kind + "_end_tag_name":
                self.consume_text_end_tag_name(c, kind)
                return True

        if s == "script_data_escape_start":
            if c == "-":
                self.state = "script_data_escape_start_dash"
                self.pos += 1
            else:
                self.state = "script_data"
            return True
        if s == "script_data_escape_start_dash":
            if c == "-":
                self.state = "script_data_escaped_dash_dash"
                self.pos += 1
            else:
                self.state = "script_data"
            return True
        if s in ("script_data_escaped", "script_data_escaped_dash"):
            if eof:
                return False
            self.pos += 1
            if c == "-":
                self.state = (
                    "script_data_escaped_dash"
                    if s == "script_data_escaped"
                    else "script_data_escaped_dash_dash"
                )
            elif c == "<":
                self.tag_start = pos
                self.state = "script_data_escaped_less_than_sign"
            else:
                self.state = "script_data_escaped"
            return True
        if s == "script_data_escaped_dash_dash":
            if eof:
                return False
            self.pos += 1
            if c == "-":
                pass
            elif c == "<":
                self.tag_start = pos
                self.state = "script_data_escaped_less_than_sign"
            elif c == ">":
                self.state = "script_data"
            else:
                self.state = "script_data_escaped"
            return True
        if s == "script_data_escaped_less_than_sign":
            if c == "/":
                self.buffer = ""
                self.state = "script_data_escaped_end_tag_open"
                self.pos += 1
            elif not eof and is_alpha(c):
                self.buffer = ""
                self.state = "script_data_double_escape_start"
            else:
                self.state = "script_data_escaped"
            return True
        if s == "script_data_escaped_end_tag_open":
            if not eof and is_alpha(c):
                self.tag = Tag("end", "", self.tag_start)
                self.state = "script_data_escaped_end_tag_name"
            else:
                self.emit_chars("</", self.tag_start)
                self.state = "script_data_escaped"
            return True
        if s == "script_data_escaped_end_tag_name":
            self.consume_text_end_tag_name(c, "script_data_escaped")
            return True
        if s in ("script_data_double_escape_start", "script_data_double_escape_end"):
            if not eof and (c in WHITESPACE or c in "/>"):
                self.pos += 1
                if self.buffer == "script":
                    self.state = (
                        "script_data_double_escaped"
                        if s == "script_data_double_escape_start"
                        else "script_data_escaped"
                    )
                else:
                    self.state = (
                        "script_data_escaped"
                        if s == "script_data_double_escape_start"
                        else "script_data_double_escaped"
                    )
            elif not eof and is_alpha(c):
                self.buffer += c.lower()
                self.pos += 1
            else:
                self.state = (
                    "script_data_escaped"
                    if s == "script_data_double_escape_start"
                    else "script_data_double_escaped"
                )
            return True
        if s in ("script_data_double_escaped", "script_data_double_escaped_dash"):
            if eof:
                return False
            self.pos += 1
            if c == "-":
                self.state = (
                    "script_data_double_escaped_dash"
                    if s == "script_data_double_escaped"
                    else "script_data_double_escaped_dash_dash"
                )
            elif c == "<":
                self.state = "script_data_double_escaped_less_than_sign"
            else:
                self.state = "script_data_double_escaped"
            return True
        if s == "script_data_double_escaped_dash_dash":
            if eof:
                return False
            self.pos += 1
            if c == "-":
                pass
            elif c == "<":
                self.state = "script_data_double_escaped_less_than_sign"
            elif c == ">":
                self.state = "script_data"
            else:
                self.state = "script_data_double_escaped"
            return True
        if s == "script_data_double_escaped_less_than_sign":
            if c == "/":
                self.buffer = ""
                self.state = "script_data_double_escape_end"
                self.pos += 1
            else:
                self.state = "script_data_double_escaped"
            return True

        if s == "before_attribute_name":
            if not eof and c in WHITESPACE:
                self.pos += 1
            elif eof or c in "/>":
                self.state = "after_attribute_name"
            elif c == "=":
                self.start_attribute()
                self.attr_name = "="
                self.state = "attribute_name"
                self.pos += 1
            else:
                self.start_attribute()
                self.state = "attribute_name"
            return True
        if s == "attribute_name":
            if eof or c in WHITESPACE or c in "/>":
                self.state = "after_attribute_name"
            elif c == "=":
                self.state = "before_attribute_value"
                self.pos += 1
            else:
                self.attr_name += c.lower() if c in UPPER else c
                self.pos += 1
            return True
        if s == "after_attribute_name":
            if eof:
                return False
            if c in WHITESPACE:
                self.pos += 1
            elif c == "/":
                self.state = "self_closing_start_tag"
                self.pos += 1
            elif c == "=":
                self.state = "before_attribute_value"
                self.pos += 1
            elif c == ">":
                self.pos += 1
                self.emit_tag(self.pos)
            else:
                self.start_attribute()
                self.state = "attribute_name"
            return True
        if s == "before_attribute_value":
            if not eof and c in WHITESPACE:
                self.pos += 1
            elif c == '"':
                self.state = "attribute_value_double_quoted"
                self.pos += 1
            elif c == "'":
                self.state = "attribute_value_single_quoted"
                self.pos += 1
            elif c == ">":
                self.pos += 1
                self.emit_tag(self.pos)
            else:
                self.state = "attribute_value_unquoted"
            return True
        if s in ("attribute_value_double_quoted", "attribute_value_single_quoted"):
            if eof:
                return False
            self.pos += 1
            quote = '"' if s == "attribute_value_double_quoted" else "'"
            if c == quote:
                self.state = "after_attribute_value_quoted"
            else:
                self.attr_value += c
            return True
        if s == "attribute_value_unquoted":
            if eof:
                return False
            self.pos += 1
            if c in WHITESPACE:
                self.state = "before_attribute_name"
            elif c == ">":
                self.emit_tag(self.pos)
            else:
                self.attr_value += c
            return True
        if s == "after_attribute_value_quoted":
            if eof:
                return False
            if c in WHITESPACE:
                self.state = "before_attribute_name"
                self.pos += 1
            elif c == "/":
                self.state = "self_closing_start_tag"
                self.pos += 1
            elif c == ">":
                self.pos += 1
                self.emit_tag(self.pos)
            else:
                self.state = "before_attribute_name"
            return True
        if s == "self_closing_start_tag":
            if eof:
                return False
            if c == ">":
                assert self.tag is not None
                self.tag.self_closing = True
                self.pos += 1
                self.emit_tag(self.pos)
            else:
                self.state = "before_attribute_name"
            return True

        if s == "bogus_comment":
            if eof:
                self.emit_comment(pos)
                return False
            self.pos += 1
            if c == ">":
                self.emit_comment(self.pos)
                self.state = "data"
            else:
                self.comment += c
            return True
        if s == "markup_declaration_open":
            rest = self.text[pos : pos + 7]
            self.comment = ""
            self.comment_start = self.tag_start
            if rest.startswith("--"):
                self.pos += 2
                self.state = "comment_start"
            elif rest.upper() == "DOCTYPE":
                self.pos += 7
                self.state = "doctype"
            elif rest == "[CDATA[" and self.allow_cdata():
                self.pos += 7
                self.state = "cdata_section"
            elif rest == "[CDATA[":
                self.pos += 7
                self.comment = "[CDATA["
                self.state = "bogus_comment"
            else:
                self.state = "bogus_comment"
            return True
        if s == "comment_start":
            if c == "-":
                self.state = "comment_start_dash"
                self.pos += 1
            elif c == ">":
                self.pos += 1
                self.emit_comment(self.pos)
                self.state = "data"
            else:
                self.state = "comment"
            return True
        if s == "comment_start_dash":
            if eof:
                self.emit_comment(pos)
                return False
            if c == "-":
                self.state = "comment_end"
                self.pos += 1
            elif c == ">":
                self.pos += 1
                self.emit_comment(self.pos)
                self.state = "data"
            else:
                self.comment += "-"
                self.state = "comment"
            return True
        if s == "comment":
            if eof:
                self.emit_comment(pos)
                return False
            self.pos += 1
            if c == "<":
                self.comment += c
                self.state = "comment_less_than_sign"
            elif c == "-":
                self.state = "comment_end_dash"
            else:
                self.comment += c
            return True
        if s == "comment_less_than_sign":
            if c == "!":
                self.comment += c
                self.state = "comment_less_than_sign_bang"
                self.pos += 1
            elif c == "<":
                self.comment += c
                self.pos += 1
            else:
                self.state = "comment"
            return True
        if s == "comment_less_than_sign_bang":
            if c == "-":
                self.state = "comment_less_than_sign_bang_dash"
                self.pos += 1
            else:
                self.state = "comment"
            return True
        if s == "comment_less_than_sign_bang_dash":
            if c == "-":
                self.state = "comment_less_than_sign_bang_dash_dash"
                self.pos += 1
            else:
                self.state = "comment_end_dash"
            return True
        if s == "comment_less_than_sign_bang_dash_dash":
            self.state = "comment_end"  # both branches reconsume in the comment end state
            return True
        if s == "comment_end_dash":
            if eof:
                self.emit_comment(pos)
                return False
            if c == "-":
                self.state = "comment_end"
                self.pos += 1
            else:
                self.comment += "-"
                self.state = "comment"
            return True
        if s == "comment_end":
            if eof:
                self.emit_comment(pos)
                return False
            if c == ">":
                self.pos += 1
                self.emit_comment(self.pos)
                self.state = "data"
            elif c == "!":
                self.state = "comment_end_bang"
                self.pos += 1
            elif c == "-":
                self.comment += "-"
                self.pos += 1
            else:
                self.comment += "--"
                self.state = "comment"
            return True
        if s == "comment_end_bang":
            if eof:
                self.emit_comment(pos)
                return False
            if c == "-":
                self.comment += "--!"
                self.state = "comment_end_dash"
                self.pos += 1
            elif c == ">":
                self.pos += 1
                self.emit_comment(self.pos)
                self.state = "data"
            else:
                self.comment += "--!"
                self.state = "comment"
            return True
        if s == "doctype":
            # Every DOCTYPE sub-state ends the token at the first ">" (or EOF), quoted
            # identifiers included ("abrupt-doctype-...-identifier"), so they fold into one.
            if eof:
                return False
            self.pos += 1
            if c == ">":
                self.state = "data"
            return True
        if s == "cdata_section":
            if eof:
                return False
            self.pos += 1
            if c == "]":
                self.state = "cdata_section_bracket"
            else:
                self.emit_chars(c, pos)
            return True
        if s == "cdata_section_bracket":
            if c == "]":
                self.state = "cdata_section_end"
                self.pos += 1
            else:
                self.emit_chars("]", pos - 1)
                self.state = "cdata_section"
            return True
        if s == "cdata_section_end":
            if c == "]":
                self.emit_chars("]", pos)
                self.pos += 1
            elif c == ">":
                self.state = "data"
                self.pos += 1
            else:
                self.emit_chars("]]", pos - 2)
                self.state = "cdata_section"
            return True
        raise AssertionError(f"unknown tokenizer state {s}")


# -- the little tree construction the tokenizer needs --------------------------------------

HTML, SVG, MATHML = "html", "svg", "mathml"


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


VOID = words(
    "area base basefont bgsound br col embed frame hr image img input keygen link meta param "
    "source track wbr"
)
RAWTEXT = words("style xmp iframe noembed noframes noscript")
RCDATA = words("title textarea")
BREAKOUT = words(
    "b big blockquote body br center code dd div dl dt em embed h1 h2 h3 h4 h5 h6 head hr i "
    "img li listing menu meta nobr ol p pre ruby s small span strong strike sub sup table tt "
    "u ul var"
)
SPECIAL = words(
    "address applet area article aside base basefont bgsound blockquote body br button caption "
    "center col colgroup dd details dir div dl dt embed fieldset figcaption figure footer form "
    "frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html iframe img input keygen li "
    "link listing main marquee menu meta nav noembed noframes noscript object ol p param "
    "plaintext pre script search section select source style summary table tbody td template "
    "textarea tfoot th thead title tr track ul wbr xmp"
)
SCOPE_BOUNDARY = words("applet caption html table td th marquee object template")
MATHML_TEXT_IP = words("mi mo mn ms mtext")
SVG_HTML_IP = words("foreignobject desc title")


UNFINISHED_TAG_STATES = words(
    "tag_open end_tag_open tag_name before_attribute_name attribute_name after_attribute_name "
    "before_attribute_value attribute_value_double_quoted attribute_value_single_quoted "
    "attribute_value_unquoted after_attribute_value_quoted self_closing_start_tag doctype"
)


@dataclass
class Node:
    namespace: str
    name: str
    html_integration_point: bool = False

    @property
    def mathml_text_integration_point(self) -> bool:
        return self.namespace == MATHML and self.name in MATHML_TEXT_IP


@dataclass
class BodyEnd:
    """Where the body's end is, and the tags seen, for one document."""

    offset: int  # where content inserted "before the body end tag" belongs
    tag: Tag | None  # the end tag that closes the body, None at end of document
    tags: list[Tag]


class TreeBuilder:
    """The slice of tree construction that steers the tokenizer and finds the body's end."""

    def __init__(self, text: str) -> None:
        self.stack: list[Node] = []
        self.tokenizer = Tokenizer(text, self.process)
        self.tokenizer.allow_cdata = self.in_foreign_content_for_cdata
        self.body_end: Tag | None = None
        self.tags: list[Tag] = []

    def current(self) -> Node | None:
        return self.stack[-1] if self.stack else None

    def in_foreign_content_for_cdata(self) -> bool:
        node = self.current()
        return node is not None and node.namespace != HTML

    def template_open(self) -> bool:
        return any(n.namespace == HTML and n.name == "template" for n in self.stack)

    def use_foreign_rules(self, tag: Tag) -> bool:
        node = self.current()
        if node is None or node.namespace == HTML:
            return False
        if tag.kind == "start":
            if node.mathml_text_integration_point and tag.name not in ("mglyph", "malignmark"):
                return False
            if node.namespace == MATHML and node.name == "annotation-xml" and tag.name == "svg":
                return False
            if node.html_integration_point:
                return False
        return True

    def process(self, token: Token) -> None:
        if not isinstance(token, Tag):
            return
        token.in_template = self.template_open()
        self.tags.append(token)
        if self.use_foreign_rules(token):
            self.foreign(token)
        else:
            self.html(token)

    def foreign(self, tag: Tag) -> None:
        if tag.kind == "start":
            is_font_breakout = tag.name == "font" and any(
                name in ("color", "face", "size") for name, _ in tag.attributes
            )
            if tag.name in BREAKOUT or is_font_breakout:
                self.pop_foreign()
                self.html(tag)
                return
            node = self.current()
            assert node is not None
            self.push_foreign(node.namespace, tag)
            return
        if tag.name in ("br", "p"):
            self.pop_foreign()
            self.html(tag)
            return
        index = len(self.stack) - 1
        while True:
            if self.stack[index].name == tag.name:
                del self.stack[index:]
                return
            index -= 1
            # Below the stack lie the implied html and body elements, both HTML.
            if index < 0 or self.stack[index].namespace == HTML:
                self.html(tag)
                return

    def pop_foreign(self) -> None:
        while self.stack:
            node = self.stack[-1]
            if (
                node.namespace == HTML
                or node.html_integration_point
                or node.mathml_text_integration_point
            ):
                return
            self.stack.pop()

    def push_foreign(self, namespace: str, tag: Tag) -> None:
        tag.foreign = True
        integration = False
        if namespace == SVG and tag.name in SVG_HTML_IP:
            integration = True
        if namespace == MATHML and tag.name == "annotation-xml":
            encoding = tag.attribute_dict().get("encoding", "").lower()
            integration = encoding in ("text/html", "application/xhtml+xml")
        if not tag.self_closing:
            self.stack.append(Node(namespace, tag.name, integration))

    def html(self, tag: Tag) -> None:
        tokenizer = self.tokenizer
        name = tag.name
        if tag.kind == "start":
            if name in ("svg", "math"):
                self.push_foreign(SVG if name == "svg" else MATHML, tag)
            elif name in ("html", "head", "body") or name in VOID:
                pass
            else:
                self.stack.append(Node(HTML, name))
                if name == "script":
                    tokenizer.state = "script_data"
                elif name in RAWTEXT:
                    tokenizer.state = "rawtext"
                elif name in RCDATA:
                    tokenizer.state = "rcdata"
                elif name == "plaintext":
                    tokenizer.state = "plaintext"
            return
        if name in ("body", "html"):
            if not self.template_open() and self.body_end is None:
                self.body_end = tag
            return
        if name == "template":
            for index in range(len(self.stack) - 1, -1, -1):
                if self.stack[index].namespace == HTML and self.stack[index].name == "template":
                    del self.stack[index:]
                    return
            return
        # "In scope" for special names, "stop at any special element" for the rest.
        for index in range(len(self.stack) - 1, -1, -1):
            node = self.stack[index]
            if node.namespace == HTML and node.name == name:
                del self.stack[index:]
                return
            if name in SPECIAL:
                if node.namespace == HTML and node.name in SCOPE_BOUNDARY:
                    return
                if node.namespace != HTML and (
                    node.html_integration_point
                    or node.mathml_text_integration_point
                    or node.name == "annotation-xml"
                ):
                    return
            elif node.namespace == HTML and node.name in SPECIAL:
                return

    def run(self) -> BodyEnd:
        self.tokenizer.run()
        end = self.body_end
        if end is not None:
            return BodyEnd(end.start, end, self.tags)
        return BodyEnd(self.end_of_document(), None, self.tags)

    def end_of_document(self) -> int:
        """The document's end, or the start of a tag the document ends inside of.

        Appended after `<div title="x`, `</`, `<!-` or `<!doctype`, a snippet would be eaten by the
        unfinished tag, bogus comment or doctype; before it, the snippet is an element and the
        unfinished construct is dropped or stays text exactly as it would have. A streaming
        rewriter still holds those bytes (memory bounded by one tag), so it can do this.
        """
        tokenizer = self.tokenizer
        text = tokenizer.text
        if tokenizer.state in UNFINISHED_TAG_STATES:
            return tokenizer.tag_start
        tail = text[tokenizer.tag_start :]
        if tokenizer.state == "bogus_comment" and any(
            opener.startswith(tail.lower()) for opener in ("<!--", "<!doctype", "<![cdata[")
        ):
            return tokenizer.tag_start
        return len(text)


def find_body_end(document: bytes) -> BodyEnd:
    """Where a snippet inserted before the body's end tag goes in `document`, and its tags."""
    return TreeBuilder(document.decode("latin-1")).run()


def body_end_offset(document: bytes) -> int:
    """The byte offset at which content inserted before the body's end tag belongs."""
    return find_body_end(document).offset


def tokenize(document: str, *, state: str = "data", last_start_tag: str = "") -> list[Token]:
    """The raw token stream of `document` from `state`, without tree construction."""
    tokens: list[Token] = []
    tokenizer = Tokenizer(document, tokens.append)
    tokenizer.state = state
    tokenizer.last_start_tag = last_start_tag
    tokenizer.run()
    return tokens
