"""The typed models are the one source of truth: JSON and OpenAPI schemas come from them.

A field that is not in a model cannot reach a response (the JSON is encoded from the
models), and a response carrying one anyway fails validation against the generated,
closed schemas: no undocumented field can pass the contract tests.
"""

from __future__ import annotations

import copy
from typing import Any

import jsonschema
import msgspec
import pytest
from starlette.testclient import TestClient

from api.core import models as m
from tests.corpus import SLUG


def _validator(doc: dict[str, Any], name: str) -> jsonschema.Draft202012Validator:
    schema = {"$ref": f"#/components/schemas/{name}", "components": doc["components"]}
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def _wire_names(struct: type[msgspec.Struct]) -> tuple[set[str], set[str]]:
    """A model's field names on the wire (all, and the required ones), read from the Struct itself."""
    fields = msgspec.structs.fields(struct)
    tag = struct.__struct_config__.tag_field
    names = {f.encode_name for f in fields} | ({tag} if tag else set())
    return names, {f.encode_name for f in fields if f.required} | ({tag} if tag else set())


@pytest.mark.parametrize("name", ["Article", "Summary", "ArticleList", "LocaleList", "OEmbed", "Text", "FaqItem",
                                  "HeadingBlock"])
def test_served_component_schemas_have_exactly_the_model_fields(corpus_client: TestClient, name: str) -> None:
    # The expectation is the Struct's declared fields, not m.schemas() (which produced the served document).
    served = corpus_client.get("/api/v1/openapi.json").json()["components"]["schemas"][name]
    names, required = _wire_names(getattr(m, name))
    assert set(served["properties"]) == names
    assert set(served.get("required", [])) == required
    assert served.get("additionalProperties") is False, f"{name} must be closed"


@pytest.mark.parametrize(("path", "name"), [
    (f"/api/v1/articles/{SLUG}?lang=es", "Article"), ("/api/v1/articles?lang=fa", "ArticleList"),
    ("/api/v1/locales", "LocaleList"),
])
def test_responses_carry_every_declared_field(corpus_client: TestClient, path: str, name: str) -> None:
    names, _ = _wire_names(getattr(m, name))
    assert set(corpus_client.get(path).json()) == names


@pytest.mark.parametrize(("path", "schema"), [
    (f"/api/v1/articles/{SLUG}?lang=es", "Article"),
    ("/api/v1/articles?lang=fa", "ArticleList"),
    ("/api/v1/locales", "LocaleList"),
])
def test_an_undocumented_field_fails_the_contract(corpus_client: TestClient, path: str, schema: str) -> None:
    doc = corpus_client.get("/api/v1/openapi.json").json()
    body = corpus_client.get(path).json()
    validator = _validator(doc, schema)
    validator.validate(body)  # the real response passes...
    sneaky = copy.deepcopy(body)
    target = sneaky
    # ...and a field added anywhere, at the top or deep inside, does not.
    for depth in range(2):
        target["undocumented"] = True
        assert not validator.is_valid(sneaky), depth
        del target["undocumented"]
        if depth == 1:
            break
        nested = next((v for v in target.values() if isinstance(v, dict)), None)
        if nested is None:
            nested = next(v[0] for v in target.values() if isinstance(v, list) and v and isinstance(v[0], dict))
        target = nested


def test_models_refuse_fields_they_do_not_declare() -> None:
    text = {"text": "a", "html": "a", "lang": "en"}
    assert msgspec.json.decode(msgspec.json.encode(text), type=m.Text) == m.Text(**text)
    with pytest.raises(msgspec.ValidationError):
        msgspec.json.decode(msgspec.json.encode({**text, "extra": 1}), type=m.Text)
    with pytest.raises(TypeError):
        m.Text(text="a", html="a", lang="en", extra=1)  # type: ignore[call-arg]


def test_blocks_are_a_discriminated_union(corpus_client: TestClient) -> None:
    doc = corpus_client.get("/api/v1/openapi.json").json()
    items = doc["components"]["schemas"]["Article"]["properties"]["blocks"]["items"]
    mapping = items["discriminator"]["mapping"]
    assert items["discriminator"]["propertyName"] == "type"
    assert set(mapping) == {"heading", "paragraph", "list", "table", "quote", "faq"}
    body = corpus_client.get(f"/api/v1/articles/{SLUG}?lang=ht").json()
    assert {b["type"] for b in body["blocks"]} == set(mapping)  # the fixture uses every kind
    decoded = msgspec.json.decode(corpus_client.get(f"/api/v1/articles/{SLUG}?lang=ht").content, type=m.Article)
    assert isinstance(decoded.blocks[0], m.HeadingBlock | m.ParagraphBlock)
