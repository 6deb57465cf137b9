"""GET /v1/kb, /v1/{kind}/{id}, /healthz, /readyz and /openapi.json; ETags and 304."""

from __future__ import annotations

import pytest
import yaml
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from mailkb import __version__
from mailkb.api import openapi as openapi_module
from mailkb.kb import FOLDER_KIND
from mailkb.paths import knowledge_dir
from mailkb.schemas import schema_document

from .conftest import BASIC, client_for


def test_kb_counts_the_files_of_each_folder(basic, basic_kb):
    response = basic.get("/v1/kb")
    assert response.status_code == 200
    data = response.json()
    assert data["mailkb"] == __version__ and data["digest"] == basic_kb.digest
    on_disk = {folder.name: len(list(folder.glob("*.yaml"))) for folder in BASIC.iterdir() if folder.name != "rules"}
    assert {kind: n for kind, n in data["counts"].items() if n and kind != "rules"} == on_disk
    rules = sum(len(yaml.safe_load(path.read_text(encoding="utf-8"))["rules"]) for path in (BASIC / "rules").glob("*.yaml"))
    assert data["counts"]["rules"] == rules
    assert data["counts"]["platforms"] == data["counts"]["carriers"] == 0  # the fixture has none


def with_defaults(data, schema: dict):
    """The YAML data with the schema's `default`s filled in where a key is missing (what the loader holds)."""
    if isinstance(data, dict):
        for key, sub in (schema.get("properties") or {}).items():
            if key not in data and "default" in sub:
                data[key] = sub["default"]
            elif key in data:
                with_defaults(data[key], sub)
    elif isinstance(data, list) and isinstance(schema.get("items"), dict):
        for item in data:
            with_defaults(item, schema["items"])
    return data


def test_an_entry_is_served_as_its_yaml_file_holds_it_with_schema_defaults(basic):
    response = basic.get("/v1/causes/storage_full")
    assert response.status_code == 200
    assert response.json() == yaml.safe_load((BASIC / "causes" / "storage_full.yaml").read_text(encoding="utf-8"))


def test_every_kind_of_the_bundled_knowledge_base_has_its_route(real):
    for folder in sorted(p for p in knowledge_dir().iterdir() if p.is_dir() and p.name != "rules"):
        path = sorted(folder.glob("*.yaml"))[0]
        response = real.get(f"/v1/{folder.name}/{path.stem}")
        assert response.status_code == 200, folder.name
        schema = schema_document(FOLDER_KIND[folder.name])
        assert response.json() == with_defaults(yaml.safe_load(path.read_text(encoding="utf-8")), schema)


@pytest.mark.parametrize("path", ["/v1/causes/no_such_cause", "/v1/remedies/storage_full", "/v1/rules/isolation", "/v1/causes/"])
def test_an_unknown_id_or_kind_is_404(basic, path):
    response = basic.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_unknown_id_names_it(basic):
    problem = basic.get("/v1/causes/no_such_cause").json()
    assert problem["detail"] == "no cause 'no_such_cause' in the knowledge base" and problem["field"] == "id"


@pytest.mark.parametrize("path", ["/v1/kb", "/v1/causes/storage_full", "/openapi.json"])
def test_get_responses_carry_an_etag_and_honour_if_none_match(basic, path):
    first = basic.get(path)
    etag = first.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"') and len(etag) > 16
    assert first.headers["cache-control"] == "no-cache"
    assert basic.get(path).headers["etag"] == etag
    for held in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        again = basic.get(path, headers={"If-None-Match": held})
        assert again.status_code == 304, held
        assert again.content == b"" and again.headers["etag"] == etag
    assert basic.get(path, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_the_etag_follows_the_knowledge_base(basic, real):
    assert basic.get("/v1/kb").headers["etag"] != real.get("/v1/kb").headers["etag"]


def test_health_and_readiness(basic, basic_kb):
    health = basic.get("/healthz")
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    ready = basic.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "kb": basic_kb.digest, "engine": "durable"}
    assert ready.headers["cache-control"] == health.headers["cache-control"] == "no-store"
    assert "etag" not in ready.headers


def test_no_docs_page_that_would_load_assets_from_another_host(basic):
    for path in ("/docs", "/redoc"):
        assert basic.get(path).status_code == 404


# --- OpenAPI ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def document(real) -> dict:
    return real.get("/openapi.json").json()


def component_validator(document: dict, name: str) -> Draft202012Validator:
    """A validator for one component, its refs resolved against the whole OpenAPI document."""
    registry = Registry().with_resource("urn:openapi", Resource.from_contents(document, default_specification=DRAFT202012))
    return Draft202012Validator({"$ref": f"urn:openapi#/components/schemas/{name}"}, registry=registry)


def test_the_document_is_valid_openapi_31(document):
    assert document["openapi"].startswith("3.1")
    validate_openapi(document)
    assert {"/v1/diagnose", "/v1/evidence", "/v1/kb", "/v1/causes/{id}", "/healthz", "/readyz"} <= set(document["paths"])


def test_query_and_diagnosis_shapes_are_the_schema_files(document):
    schemas = document["components"]["schemas"]
    query, diagnosis = schema_document("query"), schema_document("diagnosis")
    assert set(schemas["Query"]["properties"]) == set(query["properties"])
    assert schemas["Diagnosis"]["required"] == diagnosis["required"]
    assert schemas["Query"]["properties"]["spf_result"] == {"$ref": "#/components/schemas/query.result"}
    assert schemas["query.result"] == query["definitions"]["result"]
    body = document["paths"]["/v1/diagnose"]["post"]
    assert body["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Query"}
    assert body["responses"]["200"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Diagnosis"}
    assert "HTTPValidationError" not in schemas


def test_a_new_query_key_in_the_schema_file_appears_without_code(monkeypatch, real_kb):
    original = schema_document

    def with_new_key(name: str):
        document = original(name)
        if name == "query":
            document = {**document, "properties": {**document["properties"], "tried": {"type": "array", "items": {"type": "string"}}}}
        return document

    monkeypatch.setattr(openapi_module, "schema_document", with_new_key)
    with client_for(real_kb) as client:
        assert "tried" in client.get("/openapi.json").json()["components"]["schemas"]["Query"]["properties"]


def test_answers_and_problems_validate_against_the_document(real, document):
    query = {"error_message": "サーバへの接続に失敗しました。", "platform": "iphone", "storage_percent_used": 97}
    assert not list(component_validator(document, "Query").iter_errors(query))
    answer = real.post("/v1/diagnose", json=query).json()
    assert not list(component_validator(document, "Diagnosis").iter_errors(answer))
    for response in (real.post("/v1/diagnose", json={"platform": 3}), real.get("/v1/causes/nope"), real.post("/v1/diagnose", content=b"{")):
        assert not list(component_validator(document, "Problem").iter_errors(response.json()))
    cause = real.get("/v1/causes/storage_full").json()
    assert not list(component_validator(document, "Cause").iter_errors(cause))
    assert not list(component_validator(document, "KnowledgeBaseInfo").iter_errors(real.get("/v1/kb").json()))
