"""``cyberclaims release``: publish ``dataset/`` to the Hugging Face Hub under a version tag, or show what
that would send (``--dry-run``); the steps are ``cyberclaims.dataset.release``'s."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from ..dataset.release import STEPS
from .output import EXIT_DATA, EXIT_OK


def register(commands: Any) -> dict[str, Callable[[argparse.Namespace], int]]:
    release = commands.add_parser(
        "release",
        help="publish dataset/ to the Hugging Face Hub under the version's tag (or --dry-run)",
        description="The steps of a release, in order: "
        + "; ".join(STEPS)
        + ". check: the tag is v<version> with a CHANGELOG entry, the addresses of pyproject.toml [project.urls] "
        "are not the placeholder, and the release files are prepared; build-check: build --check; "
        "validate-dataset: validate dataset/; publish: upload dataset/ (HfApi.upload_folder) and tag the "
        "commit it made (HfApi.create_tag), with the token of HF_TOKEN; smoke-test: load_dataset of every "
        "config at the tag. The GitHub workflow on v* tags runs them one job step each. "
        "Example: cyberclaims release --dry-run",
    )
    release.add_argument("--tag", default=None, help="the tag to release (default: v<the package's version>)")
    release.add_argument(
        "--dry-run",
        action="store_true",
        help="run the checks, print every file and operation the other steps would send, and send nothing",
    )
    release.add_argument(
        "--step",
        choices=STEPS,
        action="append",
        default=None,
        help="run only this step (repeatable; they run in the order above); default: every step",
    )
    release.add_argument(
        "--prepare",
        action="store_true",
        help="write the files a release commits that are made from the sources (.zenodo.json from "
        "CITATION.cff; releases/splits.json, the released split of every article, adding those of dataset/), "
        "then commit them before tagging",
    )
    return {"release": _release}


def _release(args: argparse.Namespace) -> int:
    from ..dataset.release import default_tag, prepare, run_release

    if args.prepare:
        changed = prepare(args.root)
        print(f"wrote {', '.join(changed)}" if changed else "the release files are up to date")
        return EXIT_OK
    tag = args.tag or default_tag()
    steps = tuple(args.step) if args.step else STEPS
    problems = run_release(args.root, tag, steps=steps, dry_run=args.dry_run)
    if problems:
        done = "the dry run found" if args.dry_run else "the release stopped at"
        print(f"cyberclaims: {done} {len(problems)} problem{'s' if len(problems) != 1 else ''}", file=sys.stderr)
        return EXIT_DATA
    print(f"dry run of {tag}: nothing was sent" if args.dry_run else f"released {tag}")
    return EXIT_OK
