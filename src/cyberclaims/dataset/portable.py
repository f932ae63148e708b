"""Feature metadata that every supported ``datasets`` release reads the same way.

``datasets`` 4 serialises a list as ``{"_type": "List", ...}`` (and ``list:`` in the card's YAML), which
``datasets`` 3 cannot read ("Feature type 'List' not found"). ``datasets`` 3's own forms are still read by
4 and 5, into the very same ``List`` features: a list of scalars or class labels as
``{"_type": "Sequence", "feature": ...}`` (YAML ``sequence:``), a list of structs as ``[{...}]`` (YAML
``list: [...]``; ``Sequence`` of a struct would mean a struct of lists in ``datasets`` 3). So the Parquet
``huggingface`` metadata and the card's ``dataset_info`` are written in those forms, from the same
``Features``; ``tests/test_load.py`` and the old-``datasets`` job of ``.ci/run`` load them with both.
"""

from __future__ import annotations

import json
from typing import Any

from datasets import Features, List


def _portable(feature: Any) -> Any:
    if isinstance(feature, dict):
        return {name: _portable(inner) for name, inner in feature.items()}
    if isinstance(feature, List):
        if getattr(feature, "length", -1) not in (-1, None):
            raise ValueError("fixed-length lists are not written in the portable form")
        if isinstance(feature.feature, dict):
            return [_portable(feature.feature)]
        return {"feature": _portable(feature.feature), "_type": "Sequence"}
    return Features({"x": feature}).to_dict()["x"]


def portable_features(features: Features) -> dict[str, Any]:
    """``features.to_dict()`` in the form ``datasets`` 3, 4 and 5 all read."""
    return {name: _portable(feature) for name, feature in features.items()}


def portable_yaml(yaml_features: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The card's ``features:`` list with ``list: <not a struct>`` written ``sequence:`` (read by every release)."""

    def fix(node: Any) -> Any:
        if isinstance(node, list):
            return [fix(item) for item in node]
        if not isinstance(node, dict):
            return node
        out = {}
        for key, value in node.items():
            if key == "list" and not isinstance(value, list):
                key = "sequence"
            out[key] = fix(value)
        return out

    return fix(yaml_features)


def huggingface_metadata(features: Features) -> bytes:
    """The ``huggingface`` Parquet schema metadata, as ``datasets`` writes it but in the portable form."""
    return json.dumps({"info": {"features": portable_features(features)}}).encode("utf-8")
