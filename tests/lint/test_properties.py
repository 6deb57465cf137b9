"""Properties of the loader and linter: valid entities round-trip; corrupted files never crash."""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailkb.lint import CODES, lint
from mailkb.lint.contentchecks import half_width_punctuation
from mailkb.paths import knowledge_dir
from mailkb.yamlsource import parse_text

from .kbcopy import BASE

# Text that YAML likes to misread: booleans, nulls, dates, numbers, comments, colons, Japanese.
TRICKY = st.sampled_from(
    ["yes", "no", "on", "off", "null", "~", "2026-11-28", "0x1f", "1e3", "# not a comment", "a: b", "- x", "'", '"', "サーバ"]
)
TEXT = st.one_of(
    TRICKY, st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="<[`"), min_size=1, max_size=40)
).filter(lambda s: s.strip() != "" and not s.startswith(" ") and not s.endswith(" "))
# Japanese text as an editor writes it: full-width （） and ： in running Japanese (MK325)
LOCALIZED = st.fixed_dictionaries({"ja": TEXT.filter(lambda s: half_width_punctuation(s) is None), "en": TEXT}).filter(
    lambda t: t["ja"].strip() != t["en"].strip()
)
# one URL, one title and kind (MK315); the base fixture cites 102562 with this title
SOURCE = st.sampled_from(
    [
        {"url": "https://support.apple.com/ja-jp/102562", "title": "iCloud メールが機能しない場合", "kind": "official"},
        {"url": "https://www.rfc-editor.org/rfc/rfc7208", "title": "RFC 7208: Sender Policy Framework (SPF)", "kind": "official"},
        {"url": "https://lifestyle.assist-all.co.jp/", "title": "yes", "kind": "community"},
    ]
)

REMEDY = st.fixed_dictionaries(
    {
        "id": st.just("free_icloud_storage"),
        "title": LOCALIZED,
        "stage": st.sampled_from(["auth", "receive", "network", "send", "device_os", "support"]),
        "minutes": st.integers(min_value=1, max_value=4320) | st.floats(min_value=0.5, max_value=600, allow_nan=False),
        "advice": st.sampled_from(["official", "workaround", "third_party", "seed_only"]),
        "side_effects": LOCALIZED,
        "reversible": st.booleans(),
        "steps": st.dictionaries(
            st.sampled_from(["iphone", "ipad", "mac", "android", "windows", "web", "any"]),
            st.lists(LOCALIZED, min_size=1, max_size=4),
            min_size=1,
        ),
        "verify": LOCALIZED,
        "sources": st.lists(SOURCE, min_size=1, max_size=3, unique_by=lambda source: source["url"]),
    }
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(remedy=REMEDY)
def test_generated_remedy_round_trips_and_lints_clean(tmp_path_factory, remedy):
    kb = tmp_path_factory.mktemp("kb") / "kb"
    shutil.copytree(BASE, kb)
    text = "# yaml-language-server: $schema=../../schemas/remedy.schema.json\n" + yaml.safe_dump(
        remedy, allow_unicode=True, sort_keys=False
    )
    (kb / "remedies" / "free_icloud_storage.yaml").write_text(text, encoding="utf-8")
    result = lint(kb)
    # random prose may differ in Markdown structure between languages (a warning), but never in validity
    assert [f"{p.code} {p.message}" for p in result.problems if p.code != "MK313"] == []
    assert result.kb.remedies["free_icloud_storage"] == remedy


def _real_files() -> list[Path]:
    files = sorted(knowledge_dir().rglob("*.yaml")) + sorted(BASE.rglob("*.yaml"))
    return files


MUTATIONS = st.lists(
    st.tuples(
        st.sampled_from(["delete", "insert", "flip", "duplicate_line", "truncate", "indent"]),
        st.integers(0, 10**9),
        st.binary(min_size=1, max_size=8),
    ),
    min_size=1,
    max_size=5,
)


def _mutate(data: bytes, mutations) -> bytes:
    for kind, where, junk in mutations:
        pos = where % (len(data) + 1)
        if kind == "delete":
            data = data[:pos] + data[pos + len(junk) :]
        elif kind == "insert":
            data = data[:pos] + junk + data[pos:]
        elif kind == "flip" and data:
            i = pos % len(data)
            data = data[:i] + bytes([data[i] ^ junk[0]]) + data[i + 1 :]
        elif kind == "duplicate_line":
            lines = data.split(b"\n")
            i = where % len(lines)
            lines.insert(i, lines[i])
            data = b"\n".join(lines)
        elif kind == "truncate":
            data = data[:pos]
        elif kind == "indent":
            lines = data.split(b"\n")
            i = where % len(lines)
            lines[i] = b"  " + lines[i]
            data = b"\n".join(lines)
    return data


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(index=st.integers(min_value=0), mutations=MUTATIONS)
def test_corrupted_real_files_never_crash_the_linter(tmp_path_factory, index, mutations):
    files = _real_files()
    source = files[index % len(files)]
    kb = tmp_path_factory.mktemp("kb") / "kb"
    shutil.copytree(BASE, kb)
    folder = source.parent.name
    target = kb / folder / source.name
    target.parent.mkdir(exist_ok=True)
    target.write_bytes(_mutate(source.read_bytes(), mutations))
    result = lint(kb)  # must not raise
    for problem in result.problems:
        assert problem.code in CODES
        assert problem.line >= 1 and problem.col >= 1


# YAML documents with mappings and lists (st.text alone almost never writes one), and any text
_SCALARS = st.one_of(st.text(max_size=12), st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False))
_DOCUMENTS = st.recursive(
    _SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)), max_leaves=12
)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=300), _DOCUMENTS.map(lambda d: yaml.safe_dump(d, allow_unicode=True, default_flow_style=None))))
def test_parser_never_raises_on_any_text(text):
    doc = parse_text(text, Path("x.yaml"))
    assert all(p.code in CODES for p in doc.problems)
    if not doc.problems and doc.data is not None:
        expected = yaml.load(text, Loader=_NoDatesLoader)
        if _string_keys(expected):  # the strict loader keeps every key as its text, on purpose
            assert doc.data == expected


def _string_keys(value) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _string_keys(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_string_keys(v) for v in value)
    return True


class _NoDatesLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """safe_load, except that dates stay strings — what the strict loader promises for valid input."""


_NoDatesLoader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in rs if not tag.endswith(":timestamp")] for ch, rs in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@functools.cache
def _entity_files() -> list[tuple[str, dict]]:
    from mailkb.kb import read_sources
    from mailkb.schemas import KIND_SCHEMAS

    return [(KIND_SCHEMAS[f.folder], f.doc.data) for f in read_sources(knowledge_dir()) if f.folder and isinstance(f.doc.data, dict)]


def _paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*path, index))


REPLACEMENTS = st.sampled_from([None, "", " ", "x", 0, -1, 1.5, True, [], {}, ["x"], {"ja": ""}, {"ja": "日本語"}, "2026-11-28"])


@settings(max_examples=200, deadline=None)
@given(
    index=st.integers(min_value=0), where=st.integers(min_value=0), action=st.sampled_from(["replace", "delete", "add"]), value=REPLACEMENTS
)
def test_fast_schema_check_agrees_with_jsonschema(index, where, action, value):
    """The compiled check decides validity for clean files; it must never disagree with jsonschema."""
    import copy

    from mailkb.schemas import schema_valid, validator

    files = _entity_files()
    kind, data = files[index % len(files)]
    data = copy.deepcopy(data)
    paths = [p for p in _paths(data) if p]
    path = paths[where % len(paths)]
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    if action == "replace":
        parent[path[-1]] = value
    elif action == "delete":
        del parent[path[-1]]
    elif isinstance(parent, dict):
        parent["unexpected_field"] = value
    else:
        parent.append(value)
    assert schema_valid(kind, data) == (not list(validator(kind).iter_errors(data)))
