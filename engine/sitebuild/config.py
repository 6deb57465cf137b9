"""Site settings: where the repository lives (for "edit this entry"), the public address and the base path.

Read from `[tool.mailkb]` in pyproject.toml when building from a checkout, overridden by the
environment (MAILKB_REPO_URL, MAILKB_BRANCH, MAILKB_SITE_URL, MAILKB_BASE_PATH) and by arguments.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

DEFAULT_REPO_URL = "https://github.com/mailkb/mailkb"
DEFAULT_SITE_URL = "https://mailkb.github.io/mailkb"

_ENV = {"repo_url": "MAILKB_REPO_URL", "branch": "MAILKB_BRANCH", "site_url": "MAILKB_SITE_URL", "base_path": "MAILKB_BASE_PATH"}


@dataclass(frozen=True)
class SiteConfig:
    """Settings that do not come from the knowledge base."""

    repo_url: str = DEFAULT_REPO_URL
    branch: str = "main"
    site_url: str = DEFAULT_SITE_URL  # absolute, for the sitemap, canonical and hreflang links
    base_path: str = "/"  # where the site sits on its host, for every internal link

    def edit_url(self, rel: str) -> str:
        """The repository page that edits knowledge file `rel`."""
        return f"{self.repo_url.rstrip('/')}/edit/{self.branch}/knowledge/{rel}"

    def absolute(self, path: str) -> str:
        """A site path ("/causes/x/") as an absolute URL."""
        return self.site_url.rstrip("/") + path


def _pyproject_settings(start: Path) -> dict:
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                data = tomllib.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError):
                return {}
            section = data.get("tool", {}).get("mailkb", {})
            return section if isinstance(section, dict) else {}
    return {}


def load_config(project_dir: Path | None = None, **overrides: str | None) -> SiteConfig:
    """Defaults < [tool.mailkb] < environment < explicit overrides (None means not given)."""
    settings: dict[str, str] = {}
    start = project_dir or Path(__file__).resolve().parents[2]
    for key, value in _pyproject_settings(start).items():
        if key in _ENV and isinstance(value, str):
            settings[key] = value
    for key, env in _ENV.items():
        if os.environ.get(env):
            settings[key] = os.environ[env]
    settings.update({k: v for k, v in overrides.items() if v})
    config = replace(SiteConfig(), **settings)
    base = "/" + config.base_path.strip("/") + "/" if config.base_path.strip("/") else "/"
    return replace(config, base_path=base)
