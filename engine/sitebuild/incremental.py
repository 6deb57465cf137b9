"""Incremental rebuilds: after one YAML file changes, re-render only the pages that show it.

A full build leaves a state file (in the mailkb cache folder, keyed by the output folder): the knowledge base,
the gathered cross-links, each entry's JSON for api/kb.json and every knowledge file's size and mtime.
`mailkb build --incremental` compares the files with it. When only existing entity files changed (same ids),
it re-reads and re-checks those files with the linter's file checks, patches the knowledge base, and renders the
changed entries' pages and their neighbours (and the index pages if something they list changed). Anything else
(rules, added or removed files, templates, settings) falls back to a full build. Cross-file lint checks and the
search index need a full build; the result says so.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..cachefiles import cache_dir, changed_files, code_fingerprint, file_stats, read_pickle, write_pickle
from ..errors import BuildError
from ..kb import FOLDER_KIND, KnowledgeBase, SourceFile
from ..yamlsource import load_file
from .api import WIZARD_FIELDS, RenderedTexts, kb_json, messages_document, patterns_document, step_platforms, write_wizard_exports
from .config import SiteConfig
from .context import SiteData, _refs_of, gather
from .i18n import LANGS
from .pages import Page, entry_pages, entry_path, index_pages
from .render import Renderer, output_file, render_pages, write_if_changed
from .result import BuildResult
from .sitemap import write_sitemap

STATE_VERSION = 2  # 2: the wizard's rendered Markdown travels in the state
# index pages (by path) that list each kind of entry
INDEX_PAGES_OF = {
    "symptom": ("/", "/symptoms/", "/areas/", "/tables/messages/", "/diagnose/"),
    "cause": ("/causes/", "/areas/", "/tables/messages/", "/tables/isolation/"),
    "remedy": ("/remedies/", "/stages/", "/tables/messages/"),
    "observation": ("/observations/", "/tables/isolation/"),
    "platform": ("/platforms/",),
    "carrier": ("/carriers/",),
    "guide": ("/", "/guides/", "/stages/", "/tables/"),
    "reference": ("/reference/",),
}
# fields that index pages and tables show: a change in one re-renders the index pages
LISTED_FIELDS = (
    "title",
    "summary",
    "area",
    "stage",
    "group",
    "minutes",
    "side_effects",
    "messages",
    "remedies",
    "advice",
    "reversible",
    "kind",
    "sections",
)


def link_signature(entry: dict) -> tuple:
    """What the cross-links (SiteData) are computed from; when it is unchanged, they need not be gathered again."""
    return (
        tuple(_refs_of(entry)),
        tuple(entry.get("remedies") or ()),
        tuple(sorted(entry.get("steps") or ())),
        tuple(tuple(m.get("platforms") or ()) for m in entry.get("messages") or () if isinstance(m, dict)),
        entry.get("area"),
        entry.get("stage"),
        entry.get("group"),
        entry.get("updated"),
    )


@dataclass
class BuildState:
    """What the last full build knew."""

    version: int
    mailkb: str
    kb_dir: str
    config: SiteConfig
    site_digest: str
    strict: bool
    stats: dict[str, tuple]
    kb: KnowledgeBase
    data: SiteData
    fragments: dict[str, str] = field(default_factory=dict)
    rendered: RenderedTexts = field(default_factory=RenderedTexts)


def state_path(out: Path) -> Path:
    key = hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:16]
    return cache_dir() / f"site-{key}.pickle"


def site_digest(site: Path) -> str:
    """Identity of the templates and static files and of the engine's code (names, sizes, mtimes), and mailkb's version."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(site.rglob("*")):
        if path.is_file():
            st = path.stat()
            digest.update(f"{path.relative_to(site)}:{st.st_size}:{st.st_mtime_ns}".encode())
    digest.update(code_fingerprint().encode())  # the whole engine: pages also use its Markdown renderer and ranking
    return digest.hexdigest()


def save_state(out: Path, state: BuildState, background: bool = False) -> None:
    """Write the state atomically; with `background`, in a forked child so the command can return at once.

    A state that is not written yet only makes the next incremental build redo work: it compares the files
    with the older state and re-reads what differs, so its output is the same.
    """
    if background and hasattr(os, "fork"):
        if os.fork() != 0:
            return
        try:  # the child must not hold the caller's output open: whoever waits for it would wait for us
            null = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(null, fd)
            save_state(out, state)
        finally:
            os._exit(0)
    write_pickle(state_path(out), state)  # without a cache folder, the next build is a full one


_LIVE: dict[str, BuildState] = {}  # out folder -> state kept in memory by `mailkb serve --watch`


def keep_live(out: Path, state: BuildState) -> None:
    """Keep the state in memory for the next incremental build of `out` in this process."""
    _LIVE[str(out.resolve())] = state


def load_state(out: Path) -> BuildState | None:
    live = _LIVE.get(str(out.resolve()))
    if live is not None:
        return live
    state = read_pickle(state_path(out), BuildState)
    return state if state is not None and state.version == STATE_VERSION and state.mailkb == __version__ else None


@dataclass
class Patch:
    """The outcome of re-reading changed files: the refs that changed, or why a full build is needed."""

    changed: dict[str, tuple[dict | None, dict | None]] = field(default_factory=dict)  # ref -> (old, new or None if now broken)
    problems: list = field(default_factory=list)
    full_reason: str | None = None


def _check_file(root: Path, source: SourceFile) -> list:
    from ..lint.context import LintContext
    from ..lint.filechecks import FILE_CHECKS

    ctx = LintContext(root=root, display_root="", files=[source], kb=KnowledgeBase(root=root, digest=""))
    return [p for check in FILE_CHECKS for p in check(ctx, source) if p.severity == "error"]


def patch_kb(state: BuildState, root: Path, stats: dict[str, tuple]) -> Patch:
    """Re-read the files whose size or mtime changed and patch the knowledge base in place."""
    patch = Patch()
    old, new = state.stats, stats
    if set(old) != set(new):
        patch.full_reason = "files were added or removed"
        return patch
    changed = sorted(changed_files(old, new, root))
    rel_ref = {rel: ref for ref, rel in state.kb.paths.items()}
    for rel in changed:
        folder = rel.split("/", 1)[0]
        ref = rel_ref.get(rel)
        if folder not in FOLDER_KIND or ref is None or ref.startswith("rules:"):
            patch.full_reason = f"{rel} is not an entity already in the site"
            return patch
        kind, _, ident = ref.partition(":")
        source = SourceFile(rel=rel, folder=folder, doc=load_file(root / rel))
        errors = _check_file(root, source)
        data = source.doc.data
        if not errors and (not isinstance(data, dict) or data.get("id") != ident):
            patch.full_reason = f"{rel}: the id changed"
            return patch
        before = state.kb.entities[kind].get(ident)
        if errors:
            patch.problems.extend(errors)
            patch.changed[ref] = (before, None)
        else:
            patch.changed[ref] = (before, data)
    return patch


def _neighbours(data: SiteData, ref: str, entry: dict | None) -> set[str]:
    kind, _, ident = ref.partition(":")
    found = set(data.backlinks.get(ref, ())) | set(_refs_of(entry or {}))
    if kind == "cause":
        found |= {f"remedy:{r}" for r in (entry or {}).get("remedies") or ()} | {f"symptom:{s}" for s in data.cause_symptoms.get(ident, ())}
    elif kind == "remedy":  # cause pages list it; symptom pages name their causes' first remedy
        found |= {f"cause:{c}" for c in data.remedy_causes.get(ident, ())}
        found |= {f"symptom:{s}" for c in data.remedy_causes.get(ident, ()) for s in data.cause_symptoms.get(c, ())}
        found |= {f"platform:{p}" for p in (entry or {}).get("steps") or ()}
    elif kind == "symptom":
        found |= {f"cause:{link.cause}" for link in data.symptom_causes.get(ident, ())}
        found |= {f"platform:{p}" for m in (entry or {}).get("messages") or () for p in m.get("platforms") or ()}
    elif kind == "observation":
        found |= {f"cause:{r['then']['suspect']['cause']}" for r in data.fact_rules.get(ident, ()) if "suspect" in r.get("then", {})}
    return found


def rebuild(
    state: BuildState,
    root: Path,
    out: Path,
    config: SiteConfig,
    site: Path,
    strict: bool,
    started: float,
    background: bool = False,
    jobs: int = 1,
):
    """Apply an incremental rebuild; returns a BuildResult, or None when a full build is needed."""
    if state.kb_dir != str(root.resolve()) or state.config != config or state.strict != strict or state.site_digest != site_digest(site):
        return None
    stats = file_stats(root)
    patch = patch_kb(state, root, stats)
    if patch.full_reason:
        return None
    result = BuildResult(out=out)
    result.warnings.append("incremental build: cross-file lint checks and the search index were not refreshed (run a full build)")
    if patch.problems:
        first = patch.problems[0]
        message = f"{len(patch.problems)} lint error(s); first: {first.path}:{first.line}:{first.col}: {first.code} {first.message}"
        if strict:
            raise BuildError(message)
        result.warnings.append(message + " — the entry is left out")
    if not patch.changed:
        result.seconds = time.perf_counter() - started
        return result
    kb, data = state.kb, state.data
    regather = dated = False
    wizard_changed = any(after is None for _, after in patch.changed.values())
    listed: set[str] = set()  # kinds whose index pages must be re-rendered
    digest = hashlib.sha256(kb.digest.encode())
    for ref, (before, after) in patch.changed.items():
        kind, _, ident = ref.partition(":")
        digest.update(f"{ref}:{stats[kb.paths[ref]]}".encode())
        state.fragments.pop(ref, None)
        state.fragments.pop(f"#{kind}", None)  # the kind's joined entries (api.kb_json)
        if after is None:
            kb.entities[kind].pop(ident, None)
            regather = True
            listed.add(kind)
            continue
        kb.entities[kind][ident] = after
        before = before or {}
        regather |= link_signature(before) != link_signature(after)
        if any(before.get(f) != after.get(f) for f in LISTED_FIELDS):
            listed.add(kind)
        wizard_changed |= any(before.get(f) != after.get(f) for f in WIZARD_FIELDS) or step_platforms(before) != step_platforms(after)
        dated |= before.get("updated") != after.get("updated")
    kb.digest = digest.hexdigest()
    if regather or data.kb is not kb:
        data = gather(kb)
    else:
        for ref in patch.changed:
            entry = kb.get(ref)
            if entry is not None and isinstance(entry.get("updated"), str):
                data.updated[ref] = entry["updated"]
    affected: set[str] = set()
    for ref, (before, after) in patch.changed.items():
        affected |= {ref} | _neighbours(data, ref, before) | _neighbours(data, ref, after)
    pages: list[Page] = entry_pages(data, only=affected)
    if listed:
        prefixes = {prefix for kind in listed for prefix in INDEX_PAGES_OF.get(kind, ("/",))}
        pages += [p for p in index_pages(data) if any(p.path == x or (x != "/" and p.path.startswith(x)) for x in prefixes)]
    renderer = Renderer(data, config, site / "templates")
    written = render_pages(renderer, pages, out, jobs, min_parallel=24)
    for ref, (_before, after) in patch.changed.items():
        if after is None:
            kind, _, ident = ref.partition(":")
            for lang in LANGS:
                stale = output_file(out, lang, entry_path(kind, ident))
                stale.unlink(missing_ok=True)
    (out / "api" / "kb.json").write_text(kb_json(kb, state.fragments), encoding="utf-8")
    if wizard_changed:
        write_wizard_exports(kb, out, state.rendered)
    if any(ref.startswith("pattern:") for ref in patch.changed):
        write_if_changed(out / "api" / "patterns.json", json.dumps(patterns_document(kb), ensure_ascii=False, separators=(",", ":")))
    if any(ref.startswith("symptom:") for ref in patch.changed):
        write_if_changed(out / "api" / "messages.json", json.dumps(messages_document(kb), ensure_ascii=False, separators=(",", ":")))
    if listed or dated:
        write_sitemap(out, index_pages(data) + entry_pages(data), config, data.updated)
    state.stats = stats
    state.data = data
    if str(out.resolve()) in _LIVE:
        _LIVE[str(out.resolve())] = state  # in memory: the file is refreshed by the next full build
    else:
        save_state(out, state, background=background)
    result.pages = len(pages) * len(LANGS)
    result.files_written = written
    result.seconds = time.perf_counter() - started
    result.timings["incremental"] = result.seconds
    return result
