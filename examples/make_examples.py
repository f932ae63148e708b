"""Write the worked examples of the three prediction formats from the gazetteer and rule baselines.

    cyberclaims baselines --core --predictions /tmp/baseline-predictions
    python examples/make_examples.py /tmp/baseline-predictions dataset examples

- ``annotation.jsonl``: the gazetteer's annotation files (the format ``baselines --predictions`` writes).
- ``minimal-ner.jsonl`` / ``minimal-claims.jsonl``: the same mentions, and the rule baseline's claims, in
  the minimal format (only the layers and fields each task scores).
- ``iob2-ner.jsonl``: the gazetteer's mentions as IOB2 tags on the rows of the ``ner`` config.
"""

import json
import sys
from bisect import bisect_left
from pathlib import Path

from cyberclaims.benchmark.gold import load_gold


def make_examples(source: Path, dataset: Path, out: Path) -> None:
    """Write the four example files into ``out`` from the baselines' predictions in ``source``, on the test
    split of the built ``dataset``."""
    gold = load_gold(dataset, "test")
    gazetteer = [json.loads(line) for line in (source / "gazetteer.jsonl").read_text(encoding="utf-8").splitlines()]
    rules = [json.loads(line) for line in (source / "rules.jsonl").read_text(encoding="utf-8").splitlines()]

    def write(name, rows):
        with open(out / name, "w", encoding="utf-8", newline="\n") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")

    write("annotation.jsonl", gazetteer)
    write(
        "minimal-ner.jsonl",
        [
            {
                "id": d["id"],
                "entities": [
                    {"start": m["start"], "end": m["end"], "label": m["label"], "entity": m["entity"]}
                    for m in d["entities"]
                ],
            }
            for d in gazetteer
        ],
    )
    write(
        "minimal-claims.jsonl",
        [
            {
                "id": d["id"],
                "claims": [
                    {k: c[k] for k in ("start", "end", "claimer", "attribution", "certainty", "proposition")}
                    for c in d["claims"]
                ],
            }
            for d in rules
        ],
    )
    mentions = {d["id"]: d["entities"] for d in gazetteer}
    lines = []
    for row in gold.ner_rows:
        starts = [s for s, _ in row.spans]
        tags = ["O"] * len(starts)
        for m in mentions[row.article_id]:
            first, stop = bisect_left(starts, m["start"]), bisect_left(starts, m["end"])
            if first < stop and starts[first] == m["start"]:
                tags[first:stop] = ["B-" + m["label"]] + ["I-" + m["label"]] * (stop - first - 1)
        lines.append({"id": row.id, "ner_tags": tags})
    write("iob2-ner.jsonl", lines)


if __name__ == "__main__":
    make_examples(*map(Path, sys.argv[1:4]))
