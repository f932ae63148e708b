"""Where the files of a built dataset live: the one definition of the shard layout.

``data/<config>/<split>-NNNNN-of-NNNNN.parquet``, the layout the Hugging Face Hub and ``datasets``'
Parquet builder read without a loading script (``<split>-*`` in the card's ``data_files``). While a
build runs, each run's shard is ``data/<config>/.<split>-<run>.partial`` until the shards are counted.
"""

from __future__ import annotations

import re
from pathlib import Path

DATA = "data"
# A shard's final name; ``split`` is checked against the vocabulary by the reader that needs it.
SHARD_NAME = re.compile(r"(?P<split>[a-z]+)-(?P<index>[0-9]{5})-of-(?P<count>[0-9]{5})\.parquet")
# A shard, final or partial, as a path relative to the dataset folder: what a build leaves there.
BUILD_SHARD = re.compile(rf"{DATA}/[a-z_]+/\.?[a-z]+-[0-9]{{5}}(-of-[0-9]{{5}}\.parquet|\.partial)")


def data_folder(folder: Path) -> Path:
    """The folder of every config's shards."""
    return Path(folder) / DATA


def config_folder(folder: Path, config: str) -> Path:
    return Path(folder) / DATA / config


def shard_name(split: str, index: int, count: int) -> str:
    """The final name of shard ``index`` of ``count`` of a split."""
    return f"{split}-{index:05d}-of-{count:05d}.parquet"


def shard_file(config: str, name: str) -> str:
    """A shard's path relative to the dataset folder, as the manifest and Croissant name it."""
    return f"{DATA}/{config}/{name}"


def split_pattern(config: str, split: str) -> str:
    """The card's ``data_files`` pattern of a config's split (relative to the dataset folder)."""
    return f"{DATA}/{config}/{split}-*.parquet"


def config_pattern(config: str) -> str:
    """Every shard of a config (Croissant's ``includes``)."""
    return f"{DATA}/{config}/*.parquet"


def partial_path(folder: Path, config: str, split: str, number: int) -> Path:
    """Where run ``number``'s shard of a config and split is written, until the shards are counted."""
    return config_folder(folder, config) / f".{split}-{number:05d}.partial"


def shards(folder: Path, config: str, split: str | None = None) -> list[Path]:
    """The shards of a config (of one split, or all), in name order: the order of the rows."""
    pattern = f"{split}-*.parquet" if split else "*.parquet"
    return sorted(config_folder(folder, config).glob(pattern))


def configs_in(folder: Path) -> list[str]:
    """The config folders a dataset folder holds."""
    data = data_folder(folder)
    return sorted(p.name for p in data.iterdir() if p.is_dir()) if data.is_dir() else []
