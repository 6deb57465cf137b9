"""The static site builder: `mailkb build` renders the knowledge base into `_site/`."""

from .build import BuildError, BuildResult, build_site
from .config import SiteConfig, load_config

__all__ = ["BuildError", "BuildResult", "SiteConfig", "build_site", "load_config"]
