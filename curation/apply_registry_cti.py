"""Apply curation/registry-cti.json to annotations/entities.json and propositions.json (idempotent).

    python curation/apply_registry_cti.py [--root REPO]

Run it again after the registries are rewritten (a new adjudicated gold): it sets each curated entity's
``cti_kind`` and ``external_ids`` and each curated proposition's ``attribution``, and names any key of the data the
registries lack (then nothing is written). Then rebuild: ``cyberclaims build``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cyberclaims.formats.registry_cti import RegistryCtiError, apply_to_repository

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=HERE.parent, help="the repository (default: this one)")
    parser.add_argument("--data", type=Path, default=HERE / "registry-cti.json", help="the curated data")
    args = parser.parse_args()
    try:
        changed = apply_to_repository(args.root, args.data)
    except RegistryCtiError as exc:
        print(f"apply_registry_cti: error: {exc}", file=sys.stderr)
        sys.exit(1)
    print("\n".join(changed) if changed else "the registries already hold the curated data")
