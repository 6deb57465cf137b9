"""The JSON Schemas (draft-07) of every kind, with their cross-file references resolved."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from .paths import schemas_dir

if TYPE_CHECKING:  # jsonschema is imported on first use: `mailkb diagnose` with a warm cache never needs it
    from jsonschema import Draft7Validator
    from referencing import Registry

# folder in knowledge/ -> schema name
KIND_SCHEMAS = {
    "observations": "observation",
    "symptoms": "symptom",
    "causes": "cause",
    "remedies": "remedy",
    "rules": "rules",
    "platforms": "platform",
    "carriers": "carrier",
    "guides": "guide",
    "reference": "reference",
}


@cache
def _registry(directory: Path) -> tuple[Registry, dict[str, dict]]:
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT7

    registry: Registry = Registry()
    documents: dict[str, dict] = {}
    for path in sorted(directory.glob("*.schema.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        documents[path.name] = document
        registry = registry.with_resource(path.name, Resource.from_contents(document, default_specification=DRAFT7))
    return registry, documents


def schema_document(name: str, directory: Path | None = None) -> dict:
    """The schema `name` (e.g. "cause" or "diagnosis") as parsed JSON."""
    _, documents = _registry(directory or schemas_dir())
    return documents[f"{name}.schema.json"]


@cache
def validator(name: str, directory: Path | None = None) -> Draft7Validator:
    """A validator for schema `name`, resolving refs to the other schema files."""
    directory = directory or schemas_dir()
    registry, documents = _registry(directory)
    from jsonschema import Draft7Validator

    return Draft7Validator(documents[f"{name}.schema.json"], registry=registry)


@cache
def markdown_fields(directory: Path | None = None) -> frozenset[str]:
    """Names of the fields the schemas declare as Markdown (`$ref: …#/definitions/markdown`).

    The linter checks, and the site renders, only these as Markdown; every other text is plain.
    """
    _, documents = _registry(directory or schemas_dir())
    names: set[str] = set()

    def visit(node: object) -> None:
        if isinstance(node, dict):
            for name, sub in (node.get("properties") or {}).items():
                if isinstance(sub, dict) and str(sub.get("$ref", "")).endswith("#/definitions/markdown"):
                    names.add(name)
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    for document in documents.values():
        visit(document)
    return frozenset(names)
