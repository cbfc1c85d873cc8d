"""Help-now resources from crisis.yaml, and the help-now block in one locale.

The owner edits crisis.yaml; names, descriptions and labels are translated through ui.pot
(msgctxt "crisis"). A contact label's numbers and web address must survive translation
exactly (checked in api.catalogs): a reader in danger acts on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from babel.support import NullTranslations

from api import models as m
from api.locales import SOURCE_TAG, Locale

CONTEXT = "crisis"


@dataclass(frozen=True)
class Contact:
    kind: str  # phone, sms, url
    value: str
    label: str

    @property
    def href(self) -> str:
        return {"phone": f"tel:{self.value}", "sms": f"sms:{self.value}"}.get(self.kind, self.value)


@dataclass(frozen=True)
class Resource:
    id: str
    name: str
    description: str
    contacts: tuple[Contact, ...]


def load_crisis(path: Path) -> tuple[str, tuple[Resource, ...]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    resources = tuple(
        Resource(
            id=str(r["id"]),
            name=str(r["name"]),
            description=str(r["description"]).strip(),
            contacts=tuple(Contact(str(c["kind"]), str(c["value"]), str(c["label"])) for c in r.get("contacts", [])),
        )
        for r in data["resources"]
    )
    for res in resources:
        for c in res.contacts:
            if c.kind not in ("phone", "sms", "url") or (c.kind == "url" and not c.value.startswith("https://")):
                raise ValueError(f"{path}: resource {res.id!r} has a bad contact {c}")
    return str(data["heading"]), resources


def contact_labels(resources: tuple[Resource, ...]) -> set[str]:
    """The help-now link texts whose numbers and addresses a translation must keep exactly."""
    return {c.label for r in resources for c in r.contacts}


def crisis_block(heading: str, resources: tuple[Resource, ...], ui: NullTranslations, loc: Locale) -> m.Crisis:
    """The help-now block in a locale. Each text says which language it is in: English where the
    catalog lacks it."""

    def t(text: str) -> m.PlainText:
        out = str(ui.pgettext(CONTEXT, text))
        return m.PlainText(text=out, lang=loc.tag if (out != text or loc.is_source) else SOURCE_TAG)

    return m.Crisis(
        heading=t(heading),
        resources=[
            m.CrisisResource(
                id=r.id, name=t(r.name), description=t(r.description),
                contacts=[m.Contact(kind=c.kind, href=c.href, label=t(c.label))  # type: ignore[arg-type]
                          for c in r.contacts],
            )
            for r in resources
        ],
    )
