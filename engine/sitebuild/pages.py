"""The list of pages: one per entry and per index, each with its template, title, breadcrumbs and variables."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .context import AREA_ORDER, KIND_ORDER, KIND_PATH, STAGE_ORDER, SiteData
from .i18n import AREAS, STAGES, UI
from .tables import checklists, isolation_matrix, message_rows


@dataclass
class Page:
    """One page, rendered once per language at the same path (ja at /path, en at /en/path)."""

    path: str  # "/causes/storage_full/" or "/404.html"
    template: str
    title: dict
    crumbs: list[tuple[dict, str]] = field(default_factory=list)  # ancestors as (title, path)
    ref: str | None = None  # the entry shown, "cause:storage_full"
    vars: dict[str, Any] = field(default_factory=dict)
    searchable: bool = True
    in_sitemap: bool = True
    deps: frozenset[str] = frozenset()  # entries whose change alters this page ("*" = any)


# kinds whose pages search finds; observation pages are the engine's vocabulary, not answers people look for
SEARCHED_KINDS = frozenset({"symptom", "cause", "remedy", "platform", "carrier", "guide", "reference"})
FREQUENCY = "symptom_frequency"  # the reference entry that ranks the symptoms by how often people meet them
COMMON_SHOWN = 8  # symptoms the home page lists first


def common_symptoms(data: SiteData, limit: int = COMMON_SHOWN) -> list[str]:
    """The most common symptoms, in the order the knowledge base states (reference/symptom_frequency.yaml)."""
    ranking = data.kb.entities.get("reference", {}).get(FREQUENCY) or {}
    ranked = [v for v in ranking.get("values") or () if isinstance(v.get("value"), (int, float)) and v.get("id") in data.kb.symptoms]
    return [v["id"] for v in sorted(ranked, key=lambda v: v["value"])][:limit]


def wizard_areas(data: SiteData) -> list[tuple[str, list[str]]]:
    """The wizard's first two questions: each area with its symptoms, the most common first (then as listed)."""
    rank = {ident: i for i, ident in enumerate(common_symptoms(data, limit=len(data.kb.symptoms)))}
    areas = []
    for area in AREA_ORDER:
        listed = data.by_area["symptom"].get(area, [])
        if listed:
            areas.append((area, sorted(listed, key=lambda ident: (rank.get(ident, len(rank)), listed.index(ident)))))
    return areas


def entry_path(kind: str, ident: str) -> str:
    return f"/{KIND_PATH[kind]}/{ident}/"


def _index_crumb(kind: str) -> tuple[dict, str]:
    return UI[kind], f"/{KIND_PATH[kind]}/"


def entry_pages(data: SiteData, only: set[str] | None = None) -> list[Page]:
    """A page per entry of every kind (or only of the `kind:id` refs in `only`)."""
    pages = []
    for kind in KIND_ORDER:
        for ident, entry in sorted(data.kb.entities.get(kind, {}).items()):
            ref = f"{kind}:{ident}"
            if only is not None and ref not in only:
                continue
            title = entry.get("title") if isinstance(entry.get("title"), dict) else {"ja": ident, "en": ident}
            pages.append(
                Page(
                    path=entry_path(kind, ident),
                    template=f"{kind}.html",
                    title=title,
                    crumbs=[_index_crumb(kind)],
                    ref=ref,
                    vars={"entry": entry, "ident": ident, "kind": kind},
                    searchable=kind in SEARCHED_KINDS and ref != f"reference:{FREQUENCY}",  # it names every symptom
                    deps=frozenset({ref}),
                )
            )
    return pages


def index_pages(data: SiteData) -> list[Page]:
    """Home, one list per kind, areas, stages, tables, search, wizard and 404."""
    every = frozenset({"*"})
    pages = [
        Page(
            path="/",
            template="home.html",
            title=UI["site_name"],
            vars={"heading": UI["home_heading"], "common": common_symptoms(data), "frequency": FREQUENCY},
            searchable=False,
            deps=every,
        )
    ]
    for kind in KIND_ORDER:
        pages.append(
            Page(path=f"/{KIND_PATH[kind]}/", template="list.html", title=UI[kind], vars={"kind": kind}, searchable=False, deps=every)
        )
    pages.append(Page(path="/areas/", template="areas.html", title=UI["areas"], searchable=False, deps=every))
    for area in AREA_ORDER:
        pages.append(
            Page(
                path=f"/areas/{area}/",
                template="area.html",
                title=AREAS[area],
                crumbs=[(UI["areas"], "/areas/")],
                vars={"area": area},
                searchable=False,
                deps=every,
            )
        )
    pages.append(Page(path="/stages/", template="stages.html", title=UI["stages"], searchable=False, deps=every))
    for stage in STAGE_ORDER:
        pages.append(
            Page(
                path=f"/stages/{stage}/",
                template="stage.html",
                title=STAGES[stage],
                crumbs=[(UI["stages"], "/stages/")],
                vars={"stage": stage},
                searchable=False,
                deps=every,
            )
        )
    tables = (UI["tables"], "/tables/")
    pages += [
        Page(path="/tables/", template="tables.html", title=UI["tables"], searchable=False, deps=every),
        Page(
            path="/tables/messages/",
            template="table_messages.html",
            title=UI["message_table"],
            crumbs=[tables],
            vars={"rows": message_rows(data)},
            deps=every,
        ),
        Page(
            path="/tables/isolation/",
            template="table_isolation.html",
            title=UI["isolation_matrix"],
            crumbs=[tables],
            vars={"matrix": isolation_matrix(data)},
            deps=every,
        ),
        Page(
            path="/tables/checksheet/",
            template="table_checksheet.html",
            title=UI["check_sheet"],
            crumbs=[tables],
            vars={"guides": checklists(data)},
            deps=every,
        ),
        Page(path="/search/", template="search.html", title=UI["search"], searchable=False, deps=frozenset()),
        Page(
            path="/diagnose/",
            template="diagnose.html",
            title=UI["diagnose"],
            vars={"areas": wizard_areas(data)},
            searchable=False,
            deps=every,
        ),
        Page(path="/404.html", template="404.html", title=UI["not_found_title"], searchable=False, in_sitemap=False, deps=frozenset()),
    ]
    return pages


def all_pages(data: SiteData) -> list[Page]:
    return index_pages(data) + entry_pages(data)
