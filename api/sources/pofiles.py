"""PO files read strictly, and written so that gettext accepts them.

**Reading.** Babel's reader, which the build serves from, is lenient: an unterminated
``msgstr "Texto`` loses its last character, text after a closing quote becomes part of the
string, a second definition of a msgid silently replaces the first. msgfmt (GNU gettext, run by
``make check``) rejects such files, but it is not installed where the site builds. So
:func:`syntax_errors` checks a file line by line against gettext's PO grammar (``msgctxt?
msgid msgstr`` or ``msgid msgid_plural msgstr[0] msgstr[1]…``, ``#~`` obsolete and ``#|``
previous entries, escapes, duplicates) and also refuses the few forms msgfmt accepts but Babel
misreads (two strings on one line, octal or ``\\x`` escapes, no space after the keyword,
``msgstr [0]``), which no PO editor writes. Neither Babel nor translate-toolkit's parser rejects
all of these, hence this module. A file with any error serves none of its translations
(api.sources.catalogs): English, never a part of a string. A file in the form tools write is checked
by one regular expression first (api/sources/pofast.py; issue 23: the lexer was most of a cold build's
catalog reading); only what that does not accept goes through the lexer, which names every error.

**Writing.** ``pybabel update --previous`` wraps the previous-msgid comments (``#| msgid``)
like prose, splitting a long msgid's quoted lines where msgfmt cannot read them, and Babel reads
``#|`` back as a translator comment, so the next update turns the hint into ``# | msgid …``
clutter. :func:`update_catalog` merges with Babel's ``Catalog.update`` (so files stay as Babel
writes them) and writes ``#|`` lines itself, quoted like ``#~`` lines, keeping each fuzzy
entry's previous msgid as msgmerge does: the English the translation was made for.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from api.sources import pofast
from api.sources.pofast import unescape

WIDTH = 76  # Babel's (and pybabel's) default line width
_SPACE = " \t\r\f\v"  # whitespace outside strings, as msgfmt and Babel see it
_KEYWORDS = ("msgctxt", "msgid", "msgid_plural", "msgstr")
_WORD = re.compile(r'[^\s"#]+')
_PLURAL = re.compile(r"msgstr\[(\d+)\]\Z")
STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
_CHARSET = re.compile(rb'"Content-Type:[^"\n]*charset=([-\w.:]+)')
_BOM = "\ufeff"


# `#~|` lines (an obsolete entry's previous msgid, which msgmerge writes): Babel takes one for a
# keyword and marks the live entry before it obsolete. Nothing is served from them.
_OBSOLETE_PREVIOUS = re.compile(rb"^[ \t]*#~\|[^\n]*", re.MULTILINE)


def for_babel(data: bytes) -> bytes:
    """The file as Babel should read it: `#~|` lines blanked (so line numbers stay)."""
    return _OBSOLETE_PREVIOUS.sub(b"", data)


@dataclass(frozen=True)
class SyntaxProblem:
    line: int
    message: str


@dataclass(frozen=True)
class _Token:
    """One line of a PO file: a keyword with its string, a continuation string, or a comment."""
    line: int
    kind: str  # "comment", "string", "msgctxt", "msgid", "msgid_plural", "msgstr" or "msgstr[]"
    text: str = ""
    index: int = 0  # of msgstr[N]
    obsolete: bool = False  # #~
    previous: bool = False  # #|

    def describe(self) -> str:
        if self.kind == "comment":
            return "a # comment line"
        if self.kind == "string":
            return 'a "string" line'
        return ("#| " if self.previous else "") + (f"msgstr[{self.index}]" if self.kind == "msgstr[]" else self.kind)


class _Error(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def _lex(number: int, line: str) -> _Token | None:
    """One line as a token (None: nothing on it); ValueError says why it is not PO syntax."""
    body = line.strip(_SPACE)
    if body.startswith(_BOM):
        raise ValueError("a byte order mark (U+FEFF) starts the line: save the file as UTF-8 without BOM")
    obsolete = previous = False
    if body.startswith("#~"):
        obsolete, body = True, body[2:]
        if body.startswith("|"):
            previous, body = True, body[1:]
        body = body.lstrip(_SPACE)
    elif body.startswith("#|"):
        previous, body = True, body[2:].lstrip(_SPACE)
    elif body.startswith("#"):
        return _Token(number, "comment")
    if not body:
        return None
    kind, index, rest = "string", 0, body
    if not body.startswith('"'):
        word = _WORD.match(body)
        if word is None:
            raise ValueError("a comment cannot follow #~ or #| on the same line")
        kind = word.group()
        plural = _PLURAL.match(kind)
        if plural:
            kind, index = "msgstr[]", int(plural.group(1))
        elif kind not in _KEYWORDS:
            raise ValueError(f'unknown keyword {kind!r}: a line holds a keyword and its "string", '
                             'a "string" that continues one, or a # comment')
        rest = body[word.end():]
        if not rest.startswith(" "):
            raise ValueError(f'{word.group()} must be followed by a space and its "string"')
        rest = rest.lstrip(_SPACE)
        if not rest.startswith('"'):
            raise ValueError(f'{word.group()} must be followed by its "string", found {rest[:30]!r}')
    string = STRING.match(rest)
    if string is None:
        raise ValueError('end-of-line within string: the closing " is missing')
    text = unescape(string.group(1))
    after = rest[string.end():].strip(_SPACE)
    if after.startswith('"'):
        raise ValueError('two strings on one line: give each "string" a line of its own')
    if after.startswith("#"):
        raise ValueError("a # comment must be on a line of its own")
    if after:
        raise ValueError(f'text after the closing quote: {after[:30]!r} (a " inside a string is written \\")')
    return _Token(number, kind, text, index, obsolete, previous)


@dataclass
class _Parser:
    tokens: list[_Token]
    pos: int = 0
    entries: list[tuple[int, str | None, str]] = field(default_factory=list)  # (msgid line, msgctxt, msgid)

    def peek(self) -> _Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, kind: str, previous: bool, obsolete: bool) -> str | None:
        """The whole string of the keyword `kind` here (with its continuation lines), or None."""
        token = self.peek()
        if token is None or token.kind != kind or token.previous != previous:
            return None
        if token.obsolete != obsolete:
            raise _Error(token.line, "inconsistent use of #~: an entry is obsolete in all its lines or in none")
        self.pos += 1
        parts = [token.text]
        while (more := self.peek()) is not None and more.kind == "string":
            if more.obsolete != token.obsolete:
                raise _Error(more.line, "inconsistent use of #~: a continuation line must be marked like "
                                        f"its {token.describe()} (line {token.line})")
            if more.previous != token.previous:
                raise _Error(more.line, f"a continuation line must be marked like its {token.describe()} "
                                        f"(line {token.line})")
            parts.append(more.text)
            self.pos += 1
        return "".join(parts)

    def found(self) -> str:
        token = self.peek()
        return "the end of the file" if token is None else f"{token.describe()} (line {token.line})"

    def entry(self, first: _Token) -> None:
        obsolete = first.obsolete
        if first.previous:  # #| msgctxt, msgid, msgid_plural: the English the translation was made for
            self.take("msgctxt", True, obsolete)
            if self.take("msgid", True, obsolete) is None:
                raise _Error(first.line, f"#| lines must give the previous msgid, found {self.found()}")
            self.take("msgid_plural", True, obsolete)
        start = self.peek()
        context = self.take("msgctxt", False, obsolete)
        msgid_token = self.peek()
        msgid = self.take("msgid", False, obsolete)
        if msgid is None or msgid_token is None:
            if start is None:
                raise _Error(first.line, "#| lines without the entry they belong to")
            raise _Error(start.line, f"expected msgid, found {self.found()}")
        if self.take("msgid_plural", False, obsolete) is not None:
            forms = 0
            while (token := self.peek()) is not None and token.kind == "msgstr[]" and not token.previous:
                if token.index != forms:
                    raise _Error(token.line, f"plural form has wrong index: msgstr[{token.index}] where "
                                             f"msgstr[{forms}] belongs")
                self.take("msgstr[]", False, obsolete)
                forms += 1
            if not forms:
                raise _Error(msgid_token.line, f"missing msgstr[0] after msgid_plural, found {self.found()}")
        elif self.take("msgstr", False, obsolete) is None:
            raise _Error(msgid_token.line, f"missing msgstr for this msgid, found {self.found()}")
        self.entries.append((msgid_token.line, context, msgid))

    def parse(self) -> None:
        while (token := self.peek()) is not None:
            if token.kind == "comment":
                self.pos += 1
            else:
                self.entry(token)


def _charset(data: bytes) -> tuple[str, int]:
    """The charset the header declares (UTF-8 if none) and the line it is on."""
    m = _CHARSET.search(data)
    if m is None:
        return "utf-8", 1
    return m.group(1).decode("ascii"), data.count(b"\n", 0, m.start()) + 1


def syntax_errors(data: bytes, fast: bool = True) -> list[SyntaxProblem]:
    """Every line of a .po file that is not PO syntax (or that Babel would misread); if there
    are none, the first grammar error (an entry without msgstr, a comment inside an entry,
    inconsistent #~, wrong plural index…); if none, every duplicate definition. `fast=False`: by
    the lexer and parser alone, without the fast path (tests compare the two)."""
    charset, charset_line = _charset(data)
    try:
        codec = codecs.lookup(charset)
    except LookupError:
        return [SyntaxProblem(charset_line, f"unknown charset {charset!r} in the Content-Type header")]
    # A file as Babel and PO editors write it is checked by one regular expression (api/sources/pofast.py);
    # anything else, every broken file among it, by the lexer and parser, which name each error.
    read = pofast.read(data, strings=False) if fast and codec.name == "utf-8" else None
    if read is None:
        found = _checked(data, charset)
        if isinstance(found, list):
            return found
        return _duplicates(found.entries)
    if len({(entry.context, entry.msgid) for entry in read.entries}) == len(read.entries):
        return []  # no key twice: no duplicate (the common case, without a tuple per entry)
    return _duplicates([(entry.line, entry.context, entry.msgid) for entry in read.entries])


def clean_entries(data: bytes) -> pofast.Read | None:
    """A file's entries with their strings, if it is clean PO syntax (no error at all, no duplicate) in
    the form tools write, UTF-8; None otherwise (Babel reads it, syntax_errors names what is wrong)."""
    try:
        utf8 = codecs.lookup(_charset(data)[0]).name == "utf-8"
    except LookupError:
        return None
    read = pofast.read(data) if utf8 else None
    if read is None or len({(entry.context, entry.msgid) for entry in read.entries}) != len(read.entries):
        return None  # a key twice is a duplicate: syntax_errors names it
    return read


def _checked(data: bytes, charset: str) -> _Parser | list[SyntaxProblem]:
    """The file lexed line by line and parsed: every line error, else the first grammar error, else the
    parser (with its entries)."""
    tokens: list[_Token] = []
    problems: list[SyntaxProblem] = []
    for number, raw in enumerate(data.split(b"\n"), 1):
        try:
            line = raw.decode(charset)
        except UnicodeDecodeError as exc:
            problems.append(SyntaxProblem(number, f"not valid {charset}: bytes {raw[exc.start:exc.end]!r}"))
            continue
        try:
            token = _lex(number, line)
        except ValueError as exc:
            problems.append(SyntaxProblem(number, str(exc)))
            continue
        if token is not None:
            tokens.append(token)
    if problems:
        return problems
    parser = _Parser(tokens)
    try:
        parser.parse()
    except _Error as exc:
        return [SyntaxProblem(exc.line, exc.message)]
    return parser


def _duplicates(entries: list[tuple[int, str | None, str]]) -> list[SyntaxProblem]:
    """Each entry (msgid line, msgctxt, msgid) whose msgctxt and msgid an earlier one has."""
    problems: list[SyntaxProblem] = []
    first: dict[tuple[str | None, str], int] = {}
    for msgid_line, context, msgid in entries:
        if (context, msgid) in first:
            problems.append(SyntaxProblem(msgid_line, f"duplicate message definition (first defined on line "
                                                      f"{first[(context, msgid)]}): msgid {msgid[:60]!r}"))
        else:
            first[(context, msgid)] = msgid_line
    return problems
