"""Load the built dataset with whatever ``datasets`` release is installed, the way a user would.

Run by ``.ci/run`` in a venv holding the oldest supported release (only ``datasets``, not this package),
and by ``tests/test_load.py`` with the current one:

    python tests/load_check.py dataset/

Every config is loaded from the folder (the card's ``configs`` and ``dataset_info``) and from its Parquet
files alone (``data_files``: the ``huggingface`` schema metadata), the features must agree, ClassLabel
names must be readable the way the README and the card show, and row counts must match the card.
"""

from __future__ import annotations

import sys
from pathlib import Path

import datasets
from datasets import ClassLabel, load_dataset


def main(folder: Path) -> int:
    import yaml

    card = (folder / "README.md").read_text(encoding="utf-8").split("---\n")[1]
    infos = {info["config_name"]: info for info in yaml.safe_load(card)["dataset_info"]}
    for config, info in infos.items():
        for split in info["splits"]:
            name = split["name"]
            from_card = load_dataset(str(folder), config, split=name)
            files = sorted(str(p) for p in (folder / "data" / config).glob(f"{name}-*.parquet"))
            from_files = load_dataset("parquet", data_files={name: files}, split=name)
            assert from_card.features == from_files.features, (config, from_card.features, from_files.features)
            assert from_card.num_rows == from_files.num_rows == split["num_examples"], config
            print(
                f"datasets {datasets.__version__}: {config}/{name} {from_card.num_rows} rows, folder and "
                f"data_files agree"
            )
    ner = load_dataset(str(folder), "ner", split="test")
    names = ner.features["ner_tags"].feature.names  # the README's recipe
    assert names[:3] == ["O", "B-PERSON", "I-PERSON"], names
    claims = load_dataset(str(folder), "claims", split="test")
    attribution = claims.features["attribution"]
    assert isinstance(attribution, ClassLabel)
    row = claims[0]
    assert isinstance(row["attribution"], int) and attribution.int2str(row["attribution"]) in attribution.names
    print(f"datasets {datasets.__version__}: ClassLabel names readable (ner_tags, attribution)")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "dataset")))
