"""The fast path of reading a PO file: one regular expression over a file in the form tools write.

A cold build reads 13 content.po of ~14 MB each (500 articles × ~60 segments). The lexer of
api/sources/pofiles.py makes a token of every line and Babel's reader a Message of every entry, which
was most of a cold build's catalog reading (issue 23). A file as Babel, msgmerge and PO editors write
it (keywords at the line start, one space, then the string; only the escapes gettext and Babel share)
is read here with one regular expression, one entry at a time. It accepts a subset of what the lexer
and parser accept and finds the same entries; whatever it does not accept (every broken file among
it) goes to them, which name each error (tests/test_pofiles.py compares the two, and
tests/test_poread.py compares what it reads with Babel's reader).
"""

from __future__ import annotations

import re
from typing import NamedTuple

_ESCAPE = re.compile(r"\\(.)")
# The escapes Babel reads back as gettext does (msgfmt also knows octal and \x, Babel does not).
_ESCAPES = {"\\": "\\", '"': '"', "a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


def unescape(raw: str) -> str:
    """A string's text between its quotes, escapes replaced; ValueError names an escape Babel cannot read."""
    if "\\" not in raw:  # most strings have no escape: nothing to replace, nothing to refuse
        return raw
    out: list[str] = []
    pos = 0
    for m in _ESCAPE.finditer(raw):
        char = m.group(1)
        if char not in _ESCAPES:
            if char in "01234567x":
                raise ValueError(f"escape \\{char}… (octal or hexadecimal) cannot be read here: "
                                 "write the character itself")
            raise ValueError(f"invalid escape sequence \\{char} (a backslash itself is written \\\\)")
        out += [raw[pos:m.start()], _ESCAPES[char]]
        pos = m.end()
    out.append(raw[pos:])
    return "".join(out)


_S = r'"[^"\\\n]*(?:\\[\\"abfnrtv][^"\\\n]*)*"'  # a string (no line break, known escapes only)
_EOL = r"[ \t\r]*(?:\n|\Z)"


def _keyword(prefix: str, keyword: str) -> str:
    """A keyword line and its continuation lines, each marked with `prefix` ("", "#| ", "#~ ", "#~| ")."""
    return rf"{prefix}{keyword} {_S}{_EOL}(?:{prefix}{_S}{_EOL})*"


_MAIN, _PREVIOUS = r"(?(obsolete)#~ |)", r"(?(obsolete)#~\| |#\| )"  # an obsolete entry has #~ on every line
_FORM_KEYWORD = r"msgstr\[[0-9]+\]"
_BLOCK = re.compile(
    r"(?P<comments>(?:#(?![~|])[^\n]*(?:\n|\Z)|[ \t\r]*\n)*)"  # comments and blank lines before an entry
    r"(?:(?P<obsolete>(?=#~))?"
    rf"(?:(?:{_keyword(_PREVIOUS, 'msgctxt')})?{_keyword(_PREVIOUS, 'msgid')}"
    rf"(?:{_keyword(_PREVIOUS, 'msgid_plural')})?)?"
    rf"(?P<context>{_keyword(_MAIN, 'msgctxt')})?(?P<msgid>{_keyword(_MAIN, 'msgid')})"
    rf"(?:(?P<plural>{_keyword(_MAIN, 'msgid_plural')}(?:{_keyword(_MAIN, _FORM_KEYWORD)})+)"
    rf"|(?P<msgstr>{_keyword(_MAIN, 'msgstr')}))"
    r"|\Z)"
)
_FORM = re.compile(r"^(?:#~ )?msgstr\[([0-9]+)\]", re.MULTILINE)  # line starts: a string holds no line break
_CONTENT = re.compile(r'"([^"\\\n]*(?:\\.[^"\\\n]*)*)"')  # what pofiles.STRING finds, unrolled: 3x faster
_FLAGS = re.compile(r"^#,([^\n]*)", re.MULTILINE)


class Entry(NamedTuple):
    line: int  # of its msgid keyword (what Babel calls its lineno)
    context: str | None
    msgid: str  # the singular one of a plural entry
    string: str | None  # its msgstr (None: a plural entry, or strings not asked for)
    fuzzy: bool
    obsolete: bool


class Read(NamedTuple):
    entries: list[Entry]
    head: bytes  # the file up to the end of its first entry (the header, when it is one)


def _text(lines: str) -> str:
    """The whole string of a keyword and its continuation lines (matched by _keyword)."""
    return "".join([unescape(raw) for raw in _CONTENT.findall(lines)])


def _fuzzy(comments: str) -> bool:
    """Whether the comments before an entry flag it fuzzy, as Babel reads `#,` lines (comma-separated,
    each flag stripped)."""
    return "fuzzy" in comments and any(
        "fuzzy" in (flag.strip() for flag in flags.split(",")) for flags in _FLAGS.findall(comments))


def read(data: bytes, strings: bool = True) -> Read | None:
    """The entries of a UTF-8 file that is clean PO syntax in the form tools write (each msgstr and fuzzy
    flag too if `strings`); None if it is not (then the lexer decides). Duplicates are not looked for."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    entries: list[Entry] = []
    head = 0
    pos = counted = 0
    line = 1
    while pos < len(text):
        m = _BLOCK.match(text, pos)
        if m is None:
            return None
        if m.start("msgid") < 0:  # only comments and blank lines up to the end of the file
            break
        plural = m.group("plural")
        if plural is not None and (forms := _FORM.findall(plural)) != [str(n) for n in range(len(forms))]:
            return None  # msgstr[N] out of order: the parser names it
        line += text.count("\n", counted, m.start("msgid"))
        counted = m.start("msgid")
        context = m.group("context")
        string = _text(m.group("msgstr")) if strings and plural is None else None
        entries.append(Entry(line, None if context is None else _text(context), _text(m.group("msgid")), string,
                             strings and _fuzzy(m.group("comments")), m.start("obsolete") >= 0))
        pos = m.end()
        head = head or pos
    return Read(entries, text[:head].encode())
