"""The build: load, gather, render every page in both languages (on every core), then exports, sitemap and search index."""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

from .. import __version__
from ..errors import BuildError, KnowledgeBaseError
from ..kb import KnowledgeBase
from ..loader import load_kb
from ..parallel import default_jobs
from ..paths import knowledge_dir, site_dir
from .api import RenderedTexts, write_api
from .config import SiteConfig, load_config
from .context import SiteData, gather
from .i18n import LANGS
from .incremental import STATE_VERSION, BuildState, file_stats, keep_live, load_state, rebuild, save_state, site_digest
from .pages import all_pages
from .render import Renderer, render_pages
from .result import BuildResult
from .sitemap import write_sitemap


def load_for_site(kb_dir: Path, strict: bool) -> tuple[KnowledgeBase, list[str], int]:
    """Lint and load; entries that fail validation are left out (or the build fails with --strict).

    A valid knowledge base comes through `load_kb()`, whose validated copy is cached by content digest
    (shared with the engine), so an unchanged knowledge base is not linted again.
    """
    from ..lint import lint

    try:
        return load_kb(kb_dir), [], 0
    except KnowledgeBaseError as err:  # the lint result holds the valid part and the messages
        result = err.result if err.result is not None else lint(kb_dir)
    errors = result.errors
    notes = []
    if errors:
        first = errors[0]
        message = (
            f"{len(errors)} lint error(s) in the knowledge base; first: {first.path}:{first.line}:{first.col}: {first.code} {first.message}"
        )
        if strict:
            raise BuildError(message + " (run `mailkb lint`)")
        notes.append(message + " — building with the valid entries only (use --strict to fail)")
    return result.kb, notes, len(errors)


def copy_assets(source: Path, out: Path) -> None:
    """site/static/* -> _site/assets/."""
    target = out / "assets"
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.glob("*")):
        if path.is_file():
            shutil.copyfile(path, target / path.name)


def build_site(
    kb_dir: Path | str | None = None,
    out: Path | str = "_site",
    *,
    config: SiteConfig | None = None,
    strict: bool = False,
    jobs: int | None = None,
    search: bool = True,
    templates: Path | None = None,
    incremental: bool = False,
    background_state: bool = False,
    live: bool = False,
) -> BuildResult:
    """Build the whole site into `out` (or, with `incremental`, only what changed since the last build there).

    `live` keeps the build state in this process's memory (for `mailkb serve --watch`); `background_state`
    writes the state file from a forked child so that the command returns at once.
    """
    started = time.perf_counter()
    kb_dir = Path(kb_dir) if kb_dir else knowledge_dir()
    out = Path(out)
    if not kb_dir.is_dir():
        raise BuildError(f"knowledge base directory not found: {kb_dir}")
    site = templates or site_dir()
    if not (site / "templates" / "base.html").is_file():
        raise BuildError(f"site templates not found in {site}/templates")
    config = config or load_config()
    jobs = jobs or default_jobs()
    if incremental and (state := load_state(out)) is not None:
        if live:
            keep_live(out, state)  # kept in memory from now on (the state file is refreshed by full builds)
        quick = rebuild(state, kb_dir, out, config, site, strict, started, background=background_state, jobs=jobs)
        if quick is not None:
            return quick
    stats = file_stats(kb_dir)
    result = BuildResult(out=out)
    kb, notes, result.lint_errors = load_for_site(kb_dir, strict)
    result.warnings.extend(notes)
    mark = time.perf_counter()
    result.timings["load"] = mark - started
    data: SiteData = gather(kb)
    pages = all_pages(data)
    result.timings["gather"] = time.perf_counter() - mark
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise BuildError(f"cannot create output directory {out}: {err}") from err
    mark = time.perf_counter()
    renderer = Renderer(data, config, site / "templates")
    result.files_written = render_pages(renderer, pages, out, jobs)
    result.pages = len(pages) * len(LANGS)
    result.timings["render"] = time.perf_counter() - mark
    copy_assets(site / "static", out)
    fragments: dict[str, str] = {}
    rendered = RenderedTexts()
    write_api(kb, out, fragments, rendered)
    write_sitemap(out, pages, config, data.updated)
    mark = time.perf_counter()
    state = BuildState(
        version=STATE_VERSION,
        mailkb=__version__,
        kb_dir=str(kb_dir.resolve()),
        config=config,
        site_digest=site_digest(site),
        strict=strict,
        stats=stats,
        kb=kb,
        data=data,
        fragments=fragments,
        rendered=rendered,
    )
    if live:
        keep_live(out, state)
    save_state(out, state)
    result.timings["state"] = time.perf_counter() - mark
    if search:
        from .search import index_site

        mark = time.perf_counter()
        note = index_site(out)
        if note:
            result.warnings.append(note)
        result.timings["search"] = time.perf_counter() - mark
    result.seconds = time.perf_counter() - started
    return result


def main_report(result: BuildResult) -> str:
    """One line for the terminal."""
    parts = ", ".join(f"{k} {v:.2f}s" for k, v in result.timings.items())
    return f"built {result.pages} pages into {result.out}/ in {result.seconds:.2f}s ({parts}); {result.files_written} file(s) changed"


if __name__ == "__main__":  # pragma: no cover - convenience
    print(main_report(build_site()), file=sys.stderr)
