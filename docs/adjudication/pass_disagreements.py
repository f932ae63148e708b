#!/usr/bin/env python3
"""List every disagreement between two annotation passes, layer by layer.

Usage: python docs/adjudication/pass_disagreements.py [PASS_A PASS_B] [--json]

Layers: segments; mentions (span and label); links; entity registry entries; claim spans (claims are
paired exactly by offsets first, then by largest overlap among the unpaired); claimer; attribution;
certainty; about; normalized; proposition keys; proposition clustering (pairs of paired claims, within and
across articles, that share a key in one pass and not in the other).
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # docs/adjudication/ -> the repository
ANN = ROOT / "annotations"
FIELDS = ("claimer", "attribution", "certainty", "about", "normalized", "proposition")


def load_pass(name: str) -> tuple[dict[str, dict], dict[str, dict], dict[str, dict]]:
    folder = ANN / "passes" / name if name != "gold" else ANN
    docs = {}
    for path in sorted(folder.glob("*.json")):
        if path.name in ("entities.json", "propositions.json"):
            continue
        docs[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    ents = {e["key"]: e for e in json.loads((folder / "entities.json").read_text())["entities"]}
    props = {p["key"]: p for p in json.loads((folder / "propositions.json").read_text())["propositions"]}
    return docs, ents, props


def pair_claims(ca: list[dict], cb: list[dict]) -> tuple[list[tuple[dict, dict]], list[dict], list[dict]]:
    """Exact offsets first, then the largest overlap among the still unpaired claims."""
    pairs, used_a, used_b = [], set(), set()
    for a in ca:
        for b in cb:
            if b["id"] not in used_b and (a["start"], a["end"]) == (b["start"], b["end"]):
                pairs.append((a, b))
                used_a.add(a["id"])
                used_b.add(b["id"])
                break
    cands = []
    for a in ca:
        for b in cb:
            ov = min(a["end"], b["end"]) - max(a["start"], b["start"])
            if ov > 0 and a["id"] not in used_a and b["id"] not in used_b:
                cands.append((-ov, a["start"], a["id"], b["id"], a, b))
    for _, _, ia, ib, a, b in sorted(cands, key=lambda t: t[:4]):
        if ia in used_a or ib in used_b:
            continue
        pairs.append((a, b))
        used_a.add(ia)
        used_b.add(ib)
    pairs.sort(key=lambda p: (p[0]["start"], p[0]["end"]))
    return pairs, [a for a in ca if a["id"] not in used_a], [b for b in cb if b["id"] not in used_b]


def place(c: dict) -> str:
    return f"[{c['start']},{c['end']}] “{c['text']}”"


def disagreements(name_a: str = "pass-a", name_b: str = "pass-b") -> list[dict]:
    da, ea, pa = load_pass(name_a)
    db, eb, pb = load_pass(name_b)
    out: list[dict] = []

    def add(layer, article, where, va, vb, **extra):
        out.append({"layer": layer, "article": article, "place": where, "a": va, "b": vb, **extra})

    all_pairs = []
    for art in sorted(set(da) | set(db)):
        if art not in da or art not in db:
            add("article", art, "whole article", art in da, art in db)
            continue
        A, B = da[art], db[art]
        sa = {(s["start"], s["end"], s["kind"]) for s in A["segments"]}
        sb = {(s["start"], s["end"], s["kind"]) for s in B["segments"]}
        for s in sorted(sa ^ sb):
            add("segments", art, f"[{s[0]},{s[1]}]", s if s in sa else None, s if s in sb else None)
        ma = {(m["start"], m["end"]): m for m in A["entities"]}
        mb = {(m["start"], m["end"]): m for m in B["entities"]}
        for k in sorted(set(ma) | set(mb)):
            x, y = ma.get(k), mb.get(k)
            txt = (x or y)["text"]
            if x is None or y is None or x["label"] != y["label"]:
                add("mentions", art, f"[{k[0]},{k[1]}] “{txt}”", x and x["label"], y and y["label"])
            elif x["entity"] != y["entity"]:
                add("links", art, f"[{k[0]},{k[1]}] “{txt}”", x["entity"], y["entity"])
        pairs, only_a, only_b = pair_claims(A["claims"], B["claims"])
        for c in only_a:
            add("claim spans", art, place(c), place(c), None, a_id=c["id"])
        for c in only_b:
            add("claim spans", art, place(c), None, place(c), b_id=c["id"])
        for a, b in pairs:
            all_pairs.append((art, a, b))
            if (a["start"], a["end"]) != (b["start"], b["end"]):
                add("claim spans", art, place(a), place(a), place(b), a_id=a["id"], b_id=b["id"])
            for f in FIELDS:
                va, vb = a[f], b[f]
                if f == "about":
                    va, vb = sorted(va), sorted(vb)
                if va != vb:
                    add(f, art, place(a), va, vb, a_id=a["id"], b_id=b["id"])
    # proposition clustering over paired claims (both articles pooled)
    for (art1, a1, b1), (art2, a2, b2) in itertools.combinations(all_pairs, 2):
        sa = a1["proposition"] == a2["proposition"]
        sb = b1["proposition"] == b2["proposition"]
        if sa != sb:
            add(
                "proposition clustering",
                f"{art1} / {art2}",
                f"{place(a1)} ~ {place(a2)}",
                "same key" if sa else "different keys",
                "same key" if sb else "different keys",
            )
    # entity registry entries used by the passes
    for k in sorted(set(ea) | set(eb)):
        x, y = ea.get(k), eb.get(k)
        if x is None or y is None:
            add("entity registry", "registry", k, x and x["name"], y and y["name"])
            continue
        for f in ("name", "type", "aliases", "description"):
            if x[f] != y[f]:
                add("entity registry", "registry", f"{k}.{f}", x[f], y[f])
    return out


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    name_a, name_b = (args + ["pass-a", "pass-b"])[:2] if len(args) < 2 else args[:2]
    rows = disagreements(name_a, name_b)
    if "--json" in argv:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["layer"]] = counts.get(r["layer"], 0) + 1
        print(f"{r['layer']}\t{r['article']}\t{r['place']}\t{name_a}: {r['a']}\t{name_b}: {r['b']}")
    print("\n# disagreements by layer")
    for k, v in counts.items():
        print(f"{k}: {v}")
    print(f"total: {len(rows)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
