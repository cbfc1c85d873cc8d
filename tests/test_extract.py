"""Extraction: the committed templates are what `pybabel extract` produces from the sources."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

from api.cli import stale_templates
from api.content import parse_article
from api.settings import ROOT
from tests.conftest import SLUG


def test_committed_templates_are_fresh() -> None:
    assert stale_templates(ROOT / "locales") == []


def test_one_message_per_segment_with_context_and_comment() -> None:
    with (ROOT / "locales" / "content.pot").open("rb") as fp:
        pot = read_po(fp)
    article = parse_article(ROOT / "content" / f"{SLUG}.md")
    sources = list(dict.fromkeys(s.source for s in article.segments()))
    messages = [m for m in pot if m.id]
    assert [m.id for m in messages] == sources
    assert {m.context for m in messages} == {SLUG}
    assert all(m.auto_comments for m in messages)
    by_id = {m.id: m for m in messages}
    assert by_id["Medication"].auto_comments == ["table 1, column header 1"]
    assert by_id["Together, they form a holistic support system."].auto_comments == ["table 1, caption"]
    assert "**Safety matters.**" in next(i for i in by_id if i.startswith("**Safety"))
    assert by_id["What if I don’t want to take meds forever?"].auto_comments == ["faq 1, question 2"]


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
