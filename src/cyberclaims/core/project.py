"""The project's two addresses, defined once: ``[project.urls]`` of ``pyproject.toml``.

``Repository`` is the git repository (sources, guidelines, issues) and ``Dataset`` the dataset's page on the
Hugging Face Hub, whose last two path parts are the Hub dataset id. The card, Croissant's ``url``, the
BibTeX and ``cyberclaims release`` read them from here; ``CITATION.cff`` and the README carry them as
written, and a test checks that they say the same.

Until the project has a real Hub id, the owner in both addresses is :data:`PLACEHOLDER_OWNER`: everything
builds, and a release refuses to publish (:meth:`Addresses.placeholders`).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, metadata
from pathlib import Path

from .errors import UsageError

REPOSITORY_LABEL, DATASET_LABEL = "Repository", "Dataset"
PLACEHOLDER_OWNER = "PLACEHOLDER"
HUB_DATASETS = "https://huggingface.co/datasets/"
# A Hub repository id: an owner and a name, each of letters, digits, "-", "_" and "." (as huggingface_hub checks).
_HUB_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,95}/[A-Za-z0-9][A-Za-z0-9_.\-]{0,95}")
_REPOSITORY = re.compile(r"https://[a-z0-9.\-]+(?::[0-9]+)?/[A-Za-z0-9_.\-]+/[A-Za-z0-9_.\-]+")


@dataclass(frozen=True)
class Addresses:
    """Where the project lives: ``repository`` (a URL) and ``dataset`` (the Hub page of the dataset)."""

    repository: str
    dataset: str
    source: str  # where they were read, for messages

    @property
    def hub_id(self) -> str:
        """``owner/name`` of the dataset on the Hub, as ``load_dataset`` and ``HfApi`` take it."""
        return self.dataset.removeprefix(HUB_DATASETS)

    @property
    def issues(self) -> str:
        return f"{self.repository}/issues"

    def placeholders(self) -> list[str]:
        """The addresses that are still the placeholder (a release refuses them)."""
        return [
            f"{label} = {url!r}"
            for label, url in ((REPOSITORY_LABEL, self.repository), (DATASET_LABEL, self.dataset))
            if PLACEHOLDER_OWNER in url.split("/")
        ]


def addresses(root: Path | None = None) -> Addresses:
    """The addresses in ``root/pyproject.toml`` when it is this project's (a clone of the repository), else
    in the installed package's metadata (a corpus kept elsewhere, built with ``pip install cyberclaims``)."""
    project = _project_table(Path(root) / "pyproject.toml") if root is not None else None
    if project is not None and project.get("name") == "cyberclaims":
        urls = project.get("urls")
        return parse_addresses(urls if isinstance(urls, dict) else {}, str(Path(root or ".") / "pyproject.toml"))
    return parse_addresses(_urls_installed(), "the installed cyberclaims package's metadata")


def parse_addresses(urls: dict[str, str], source: str) -> Addresses:
    """Check and keep the two addresses of ``[project.urls]`` (``source`` names where they were read)."""
    missing = [label for label in (REPOSITORY_LABEL, DATASET_LABEL) if not isinstance(urls.get(label), str)]
    if missing:
        raise UsageError(f"{source}: [project.urls] has no {' or '.join(missing)} address")
    repository, dataset = urls[REPOSITORY_LABEL].rstrip("/"), urls[DATASET_LABEL].rstrip("/")
    if not _REPOSITORY.fullmatch(repository):
        raise UsageError(f"{source}: [project.urls] {REPOSITORY_LABEL} {repository!r} is not https://HOST/OWNER/NAME")
    if not (dataset.startswith(HUB_DATASETS) and _HUB_ID.fullmatch(dataset.removeprefix(HUB_DATASETS))):
        raise UsageError(f"{source}: [project.urls] {DATASET_LABEL} {dataset!r} is not {HUB_DATASETS}OWNER/NAME")
    return Addresses(repository, dataset, source)


def _project_table(path: Path) -> dict | None:
    """The ``[project]`` table of a pyproject.toml, or None when there is none (or no file)."""
    if not path.is_file():
        return None
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        with open(path, "rb") as fh:
            project = tomllib.load(fh).get("project")
    except (OSError, ValueError) as exc:
        raise UsageError(f"{path}: cannot be read as TOML: {exc}") from exc
    return project if isinstance(project, dict) else None


def _urls_installed() -> dict[str, str]:
    try:
        entries = metadata("cyberclaims").get_all("Project-URL") or []
    except PackageNotFoundError:
        entries = []
    return {label.strip(): url.strip() for label, _, url in (e.partition(",") for e in entries)}
