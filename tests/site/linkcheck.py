"""Resolve every internal link and anchor of a built site on disk (the static half of the crawl)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from .htmlscan import scan

LINK_ATTRS = {("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"), ("form", "action")}


def target_file(out: Path, path: str) -> Path | None:
    """The file a site path is served from, or None."""
    candidate = out / unquote(path).lstrip("/")
    if path.endswith("/"):
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def broken_links(out: Path, base: str = "/") -> list[str]:
    """Every internal link or #anchor that does not resolve, as 'page: link'."""
    problems: list[str] = []
    ids: dict[Path, set[str]] = {}
    pages = sorted(out.rglob("*.html"))
    scanned = {page: scan(page.read_text(encoding="utf-8")) for page in pages}
    for page, result in scanned.items():
        ids[page] = result.ids
    for page, result in scanned.items():
        here = "/" + page.relative_to(out).as_posix()
        for tag, attrs in result.tags:
            for name, value in attrs.items():
                if (tag, name) not in LINK_ATTRS or not value:
                    continue
                if tag == "link" and attrs.get("rel") in ("canonical", "alternate"):
                    continue  # absolute public addresses, never fetched
                parts = urlsplit(value)
                if parts.scheme or parts.netloc:
                    continue  # external: sources, edit links (checked on a schedule, not here)
                path = parts.path or here
                if not path.startswith("/"):
                    path = str(Path(here).parent / path)
                elif parts.path:
                    if not path.startswith(base):
                        problems.append(f"{here}: {value} (outside the base path {base})")
                        continue
                    path = "/" + path[len(base) :]
                target = target_file(out, path)
                if target is None:
                    problems.append(f"{here}: {value}")
                elif parts.fragment and target.suffix == ".html" and parts.fragment not in ids.get(target, set()):
                    problems.append(f"{here}: {value} (no such anchor)")
    return problems
