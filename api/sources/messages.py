"""Checks of one translated message against its source: placeholders, markup, link targets, the numbers
and addresses of help-now lines, plural forms. A message that fails any is not served (English
instead): api/sources/catalogs.py applies them at build time, `bothand check` names them with file:line."""

from __future__ import annotations

import gettext
import html
import re
import unicodedata
from collections.abc import Collection, Sequence

from babel.messages.catalog import Message

from api.i18n.markup import render_inline, shape, unsafe_links

# Every %-directive, whole: `%(name)s`, but also `%(name)d`, `%(name)100s`, `%c`, a lone `%`.
DIRECTIVE = re.compile(r"%(?:\((?P<name>[^)]*)\))?(?P<spec>[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?)(?P<conv>.?)",
                       re.DOTALL)
RAW_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!?]")
# What inline Markdown (emphasis, code, links), a tag or an entity needs: a text with none of them has no
# markup (our renderer has no autolinks, linkify, images or raw HTML: api/i18n/markup.py).
MARKUP_CHARS = re.compile(r"[*_`\[\]<&]")
# C0 and C1 controls (tab and newline excepted): they break XML feeds and can hide text.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
DIGIT_RUN = re.compile(r"\d+")
DOMAIN = re.compile(r"\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}\b", re.IGNORECASE)
CRISIS_CONTEXT = "crisis"
PLURAL_RANGE = range(1001)

def directives(text: str) -> list[str]:
    """Every %-directive in a string, in order, as written (`%%` excluded)."""
    return [m.group(0) for m in DIRECTIVE.finditer(text) if m.group(0) != "%%"]


def placeholder_problems(msgid: str, text: str) -> list[str]:
    """A translation must use exactly the English's `%(name)s` placeholders, each as written there:
    a changed conversion (`%(num)d`), width or precision (`%(site)100000s`) or a stray `%` would
    fail, or bloat the page, when the real (string) values are put in."""
    wanted, found = sorted(directives(msgid)), sorted(directives(text))
    if wanted == found:
        return []
    if {m.group("name") for m in DIRECTIVE.finditer(msgid)} == {m.group("name") for m in DIRECTIVE.finditer(text)}:
        extra = sorted(set(found) - set(wanted)) or found
        return [f"placeholders must be written exactly as in the English {wanted or 'none'}, found {extra}"]
    names = sorted(n for n in (m.group("name") for m in DIRECTIVE.finditer(msgid)) if n)
    got = sorted(n for n in (m.group("name") for m in DIRECTIVE.finditer(text)) if n)
    return [f"placeholders differ: expected {names or 'none'}, found {got or found or 'none'}"]


def _ascii_digits(text: str) -> str:
    """Digits in any script (Persian ۹۸۸, Devanagari ९८८) as ASCII, so a number is compared by value."""
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)


def crisis_problems(msgid: str, text: str, numbers: bool) -> list[str]:
    """Help-now text may be translated, but never its web addresses, nor the numbers of a contact
    label (`numbers`): a reader in danger acts on them ("Call 988" must dial what it says)."""
    problems = []
    if numbers and DIGIT_RUN.findall(_ascii_digits(text)) != DIGIT_RUN.findall(msgid):
        problems.append(f"help-now numbers must stay exactly {DIGIT_RUN.findall(msgid) or 'none'}, "
                        f"found {DIGIT_RUN.findall(_ascii_digits(text)) or 'none'}")
    wanted = sorted(d.lower() for d in DOMAIN.findall(msgid))
    found = sorted(d.lower() for d in DOMAIN.findall(text))
    if wanted != found:
        problems.append(f"help-now web addresses must stay exactly {wanted or 'none'}, found {found or 'none'}")
    return problems


def plural_rule_problem(plural_forms: str, num_plurals: int) -> str | None:
    """Why a Plural-Forms rule cannot be used (it would crash or pick a form that does not exist)."""
    match = re.search(r"plural\s*=\s*([^;]*)", plural_forms)
    if not match:
        return "Plural-Forms has no plural= rule"
    try:
        rule = gettext.c2py(match.group(1))
        bad = next((n for n in PLURAL_RANGE if not 0 <= rule(n) < num_plurals), None)
    except (ValueError, SyntaxError, ArithmeticError, RecursionError, TypeError) as exc:
        return f"Plural-Forms rule {match.group(1).strip()!r} cannot be used: {type(exc).__name__}: {exc}"
    if bad is not None:
        return f"Plural-Forms rule {match.group(1).strip()!r} gives form {rule(bad)} for n={bad}, " \
               f"but nplurals={num_plurals}"
    return None


def message_problems(msg: Message, domain: str, num_plurals: int, protected: Collection[str] = ()) -> list[str]:
    """Why a (non-empty, non-fuzzy) translation must not be served; empty when it is fine."""
    return entry_problems(msg.id, msg.string, msg.context, domain, num_plurals, protected)


def entry_problems(msgid: str | Sequence[str], string: str | Sequence[str] | None, context: str | None, domain: str,
                   num_plurals: int, protected: Collection[str] = ()) -> list[str]:
    """:func:`message_problems` of an entry given by its parts (api/sources/pofast.py reads entries without
    making a Babel Message of each)."""
    if not msgid or not string:
        return []
    problems: list[str] = []
    ids = msgid if isinstance(msgid, (list, tuple)) else (msgid,)
    strings = string if isinstance(string, (list, tuple)) else (string,)
    if isinstance(msgid, (list, tuple)) and len(strings) != num_plurals:
        problems.append(f"has {len(strings)} plural forms, the catalog's Plural-Forms says {num_plurals}")
    for text in strings:
        if not text:
            continue
        if CONTROL.search(text):
            problems.append("contains a control character, which is never served")
        if domain == "content":
            # Text without any character markup needs (most segments) has no markup to differ, no link,
            # no tag and no entity: skip the Markdown parses (the checks would find nothing; tests/test_checks.py).
            if MARKUP_CHARS.search(text) or MARKUP_CHARS.search(ids[0]):
                problems += markup_problems(ids[0], text)
        else:
            problems += placeholder_problems(ids[-1], text)
            if RAW_TAG.search(html.unescape(text)) and not RAW_TAG.search(html.unescape(ids[-1])):
                problems.append("contains HTML markup, which is never rendered")
            if context == CRISIS_CONTEXT:
                problems += crisis_problems(ids[-1], text, numbers=ids[-1] in protected)
    return problems




def markup_problems(source: str, text: str) -> list[str]:
    """A content translation's markup against its English: the same links and emphasis, safe link targets,
    no raw HTML, not even as entities."""
    problems: list[str] = []
    if shape(source) != shape(text):
        problems.append(f"markup differs from the English: expected {shape(source).describe()}, "
                        f"found {shape(text).describe()}")
    for url in unsafe_links(text):
        problems.append(f"link target {url!r} is not allowed (only http, https, mailto, tel, relative)")
    if RAW_TAG.search(text) and not RAW_TAG.search(source):
        problems.append("contains raw HTML, which is never rendered")
    elif RAW_TAG.search(render_inline(text).text) and not RAW_TAG.search(render_inline(source).text):
        # `&lt;img …&gt;` is inert in our HTML but becomes `<img …>` in the JSON `text` a partner shows.
        problems.append("its plain text contains HTML markup (e.g. written as entities)")
    return problems
