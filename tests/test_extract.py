"""Extraction: the committed templates are what `pybabel extract` produces from the sources."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from textwrap import dedent

from babel.messages.pofile import read_po

from api.core.settings import ROOT
from api.sources.content import parse_article
from api.tools.extract import extract_crisis
from api.tools.extraction import stale_templates
from tests.conftest import REAL_SLUG as SLUG  # the committed templates are the real corpus's


def test_committed_templates_are_fresh() -> None:
    assert stale_templates(ROOT / "locales") == []


def test_one_message_per_segment_with_context_and_comment() -> None:
    with (ROOT / "locales" / "content.pot").open("rb") as fp:
        pot = read_po(fp)
    article = parse_article(ROOT / "content" / f"{SLUG}.md")
    sources = list(dict.fromkeys(s.source for s in article.segments()))
    messages = [m for m in pot if m.id and m.context == SLUG]  # the article's own: msgctxt is its slug
    assert [m.id for m in messages] == sources
    assert all(m.auto_comments for m in pot if m.id)
    by_id = {m.id: m for m in messages}
    header = " ".join(by_id["Medication"].auto_comments)
    assert header.startswith("table 1, column header 1") and "short label" in header and "not a sentence" in header
    cell = " ".join(by_id["Regulates brain chemistry"].auto_comments)
    assert cell.startswith("table 1, row 1, column 1") and "column header “Medication”" in cell
    assert by_id["Together, they form a holistic support system."].auto_comments[0] == "table 1, caption"
    item = " ".join(by_id["Stabilize brain chemistry so you feel less overwhelmed by symptoms"].auto_comments)
    assert "lead-in “Medications can:”" in item
    assert "**Safety matters.**" in next(i for i in by_id if i.startswith("**Safety"))
    assert by_id["What if I don’t want to take meds forever?"].auto_comments[0] == "faq 1, question 2"
    assert "FAQ question" in " ".join(by_id["What if I don’t want to take meds forever?"].auto_comments)


def test_stale_template_is_detected(tmp_path: Path) -> None:
    (tmp_path / "content.pot").write_text((ROOT / "locales" / "content.pot").read_text("utf-8").replace(
        "Frequently Asked Questions", "Questions"), "utf-8")
    (tmp_path / "ui.pot").write_text((ROOT / "locales" / "ui.pot").read_text("utf-8"), "utf-8")
    assert stale_templates(tmp_path) == ["content"]


def test_ui_template_has_templates_python_and_crisis() -> None:
    with (ROOT / "locales" / "ui.pot").open("rb") as fp:
        pot = read_po(fp)
    files = {loc[0].split("/")[0] for m in pot if m.id for loc in m.locations}
    assert {"site", "api", "crisis.yaml"} <= files
    assert any(m.context == "crisis" and m.id == "Need help now?" for m in pot)
    plural = [m for m in pot if isinstance(m.id, tuple)]
    assert plural, "the notice about passages in English is a plural message"


def test_ui_messages_with_placeholders_say_what_they_hold() -> None:
    with (ROOT / "locales" / "ui.pot").open("rb") as fp:
        pot = read_po(fp)
    dates = next(m for m in pot if m.id == "Published %(published)s. Updated %(updated)s.")
    assert "dates already formatted" in " ".join(dates.auto_comments)


def test_crisis_folded_and_quoted_scalars_are_extracted_with_their_lines() -> None:
    source = dedent("""\
        heading: "Need help now?"
        resources:
          - id: line
            name: A Helpline
            description: >
              Free support, day
              and night.
            contacts:
              - kind: phone
                value: "123"
                label: |
                  Call 123
    """).encode("utf-8")
    messages = list(extract_crisis(BytesIO(source), {}, [], {}))
    assert [(line, ctx_id) for line, _, ctx_id, _ in messages] == [
        (1, ("crisis", "Need help now?")),
        (4, ("crisis", "A Helpline")),
        (5, ("crisis", "Free support, day and night.")),
        (11, ("crisis", "Call 123")),
    ]
    assert messages[1][3][0] == "help-now resource line: name"
    assert "phone call" in " ".join(messages[3][3])


def test_crisis_file_gives_no_empty_message() -> None:
    with (ROOT / "crisis.yaml").open("rb") as fp:
        messages = list(extract_crisis(fp, {}, [], {}))
    assert messages and all(text.strip() for _, _, (_, text), _ in messages)
