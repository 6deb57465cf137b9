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
    "patterns": "pattern",
}


@cache
def _documents(directory: Path) -> dict[str, dict]:
    """Every schema file, parsed, by file name."""
    return {path.name: json.loads(path.read_text(encoding="utf-8")) for path in sorted(directory.glob("*.schema.json"))}


@cache
def _registry(directory: Path) -> tuple[Registry, dict[str, dict]]:
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT7

    documents = _documents(directory)
    registry: Registry = Registry()
    for name, document in documents.items():
        registry = registry.with_resource(name, Resource.from_contents(document, default_specification=DRAFT7))
    return registry, documents


def schema_document(name: str, directory: Path | None = None) -> dict:
    """The schema `name` (e.g. "cause" or "diagnosis") as parsed JSON."""
    return _documents(directory or schemas_dir())[f"{name}.schema.json"]


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
    documents = _documents(directory or schemas_dir())
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


def _bundle(name: str, documents: dict[str, dict]) -> dict:
    """Schema `name` with every other file's definitions copied in, so it needs no cross-file refs."""
    import copy

    filename = f"{name}.schema.json"

    def rewrite(node: object, home: str) -> object:
        if isinstance(node, dict):
            result = {}
            for key, value in node.items():
                if key == "$ref" and isinstance(value, str):
                    target, _, pointer = value.partition("#")
                    owner = target or home
                    prefix = "/definitions/"
                    if owner != filename and pointer.startswith(prefix):
                        value = f"#/definitions/__{owner.removesuffix('.schema.json')}__{pointer[len(prefix) :]}"
                    elif not target:
                        value = f"#{pointer}"
                result[key] = rewrite(value, home) if key != "$ref" else value
            return result
        if isinstance(node, list):
            return [rewrite(item, home) for item in node]
        return node

    bundled = rewrite(copy.deepcopy(documents[filename]), filename)
    definitions = bundled.setdefault("definitions", {})
    for other, document in documents.items():
        if other == filename:
            continue
        for key, definition in (document.get("definitions") or {}).items():
            definitions[f"__{other.removesuffix('.schema.json')}__{key}"] = rewrite(definition, other)
    return bundled


@cache
def fast_check(name: str, directory: Path | None = None):
    """A compiled validity check for schema `name` (fastjsonschema): raises on the first problem.

    Clean files are the common case; only a file that fails here is validated again with
    jsonschema, which finds every error with its path.
    """
    import fastjsonschema

    return fastjsonschema.compile(_bundle(name, _documents(directory or schemas_dir())))


def schema_valid(name: str, data: object) -> bool:
    """Whether `data` is valid under schema `name` (fast; use `validator` to list the errors)."""
    from fastjsonschema import JsonSchemaValueException

    try:
        fast_check(name)(data)
    except JsonSchemaValueException:
        return False
    return True


def enum_of(definition: str) -> tuple[str, ...]:
    """The allowed values of a shared definition, in the schema's order (e.g. "stage", "area", "platform")."""
    return tuple(schema_document("common")["definitions"][definition]["enum"])
