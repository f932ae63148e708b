#!/usr/bin/env python3
"""Build the adjudicated gold of the two seed articles from pass-a and pass-b (guidelines 2.0, issue 17).

Every decision is data below (DECISIONS: per paired claim and field, which pass or which value, and the
rule); the script writes annotations/<id>.json, entities.json, propositions.json and ADJUDICATION.md.
Run: python docs/adjudication/adjudicate_passes.py
"""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pass_disagreements import ANN, FIELDS, disagreements, load_pass, pair_claims

NK = "north-korea-hacks-sony-pictures"
GP = "sony-pictures-hack-guardians-of-peace"
ARTS = (NK, GP)

# (article, start, end) of the pass-a claim (or of the pass-b claim when pass-a has none) ->
# {field: value or "A"/"B", "_why": {field: rule}}; "span": "A"/"B" chooses the span.
D: dict[tuple[str, int, int], dict] = {}


def dec(art, s, e, **kw):
    why = kw.pop("why", {})
    D[(art, s, e)] = {**kw, "_why": why}


# ---- north-korea-hacks-sony-pictures -------------------------------------------------------------
dec(
    NK,
    0,
    31,
    keep="A",
    proposition="north_korea_behind_sony_pictures_hack",
    why={
        "span": "8.5.4: the hack and its motive are separable propositions; the hack claim is its own claim",
        "proposition": "14.1: 'North Korea hacks Sony Pictures' is not mutually entailed by 'potential involvement' (involvement does not entail the hack) nor by 'North Korean hackers were behind' (nationality of hackers ≠ the state), so pass-a's link to the rumour claim is cut; key of its own",
    },
)
dec(
    NK,
    0,
    50,
    about="A",
    proposition="north_korea_hacked_sony_pictures_over_movie_release",
    normalized="A",
    why={
        "about": "12.1: 'Movie Release' resolves to The Interview in this article",
        "proposition": "14.2: two valid keys, the shorter is taken",
        "normalized": "13.1: the movie is resolved from the article",
    },
)
dec(
    NK,
    262,
    326,
    span="A",
    normalized="B",
    why={
        "span": "8.5.6: a participle phrase is spanned from its anchor noun phrase 'the movie, \"The Interview\"'",
        "normalized": "13.1: standalone sentence, both equivalent; the shorter wording",
    },
)
dec(
    NK,
    262,
    393,
    span="A",
    about="A",
    proposition="A",
    normalized="A",
    why={
        "span": "8.5.6: spanned from the anchor noun phrase",
        "about": "12: Franco and Rogen are objects of the clause",
        "proposition": "14.3: pass-b's statement dropped the actors the claim states; pass-a's key states the claim's content",
        "normalized": "13.6: keeps the claim's detail (the actors play the reporters)",
    },
)
dec(
    NK,
    382,
    421,
    proposition="B",
    normalized="B",
    why={
        "proposition": "14.2: two valid keys, the shorter is taken (statement keeps 'young')",
        "normalized": "13.1: equivalent; pass-b's wording",
    },
)
dec(
    NK,
    486,
    526,
    normalized="B",
    why={"normalized": "13.1: resolves the occasion as the text states it ('when Sony Pictures started to advertise')"},
)
dec(NK, 538, 573, normalized="A", why={"normalized": "13.6: keeps the text's own wording 'just comedy and satire'"})
dec(
    NK,
    579,
    651,
    about="A",
    normalized="A",
    why={
        "about": "12: North Korea is an object of the clause ('portrayal of North Korea')",
        "normalized": "13.1: equivalent; pass-a's wording follows the text",
    },
)
dec(NK, 739, 894, proposition="A", why={"proposition": "14.2: two valid keys, the shorter is taken"})
dec(
    NK,
    896,
    991,
    proposition="A",
    normalized="A",
    why={
        "proposition": "14.2: two valid keys, the shorter is taken",
        "normalized": "13.2: keeps the text's 'merciless countermeasure' (singular) and its conditional",
    },
)
dec(NK, 1038, 1107, proposition="A", why={"proposition": "14.2: two valid keys, the shorter is taken"})
dec(
    NK,
    1112,
    1140,
    proposition="A",
    why={
        "proposition": "14.2: two valid keys, the shorter is taken (claim that the evidence indicated it: certain, 10.2.5)"
    },
)
dec(
    NK,
    1148,
    1187,
    span="A",
    proposition="A",
    normalized="B",
    why={
        "span": "8.5.1/8.5.7: the connective 'Then,' is not part of the proposition; smallest clause",
        "proposition": "14.2: two valid keys, the shorter is taken",
        "normalized": "13.2: the text says 'hackers from NK', not a 'North Korean operation'",
    },
)
dec(
    NK,
    1189,
    1252,
    proposition="A",
    normalized="A",
    why={"proposition": "14.2: two valid keys, the shorter is taken", "normalized": "13.2: nothing added"},
)
dec(NK, 1254, 1335, normalized="A", why={"normalized": "13.1: keeps the text's 'hacked into'"})
dec(
    NK,
    1272,
    1355,
    proposition="A",
    normalized="A",
    why={
        "proposition": "14.2: two valid keys, the shorter is taken",
        "normalized": "13.6/13.2: the claim's own content, no date or target imported from other sentences",
    },
)
dec(
    NK,
    1357,
    1389,
    about="A",
    normalized="A",
    why={
        "about": "12.1: 'which' resolves to 'the same code', the Dark Seoul code",
        "normalized": "13.1: the antecedent is the code shared by Dark Seoul and the Sony hack",
    },
)
dec(
    NK,
    1425,
    1516,
    proposition="A",
    normalized="A",
    why={
        "proposition": "14.2: two valid keys, the shorter is taken",
        "normalized": "13.2: 'after the hack' is not stated in the clause",
    },
)
dec(
    NK,
    1518,
    1593,
    proposition="B",
    why={
        "proposition": "14.2: two valid keys, the shorter is taken; not 'GOP claimed responsibility' (hard case 3, 14.1.4)"
    },
)
dec(
    NK,
    1595,
    1628,
    proposition="B",
    why={
        "proposition": "14.2: both passes share the key with the other article's 'A group by the name of Guardians of Peace or GOP' (mutual entailment, 14.1); the shorter key"
    },
)
dec(
    NK,
    1766,
    1833,
    proposition="A",
    normalized="B",
    why={
        "proposition": "14.2: two valid keys, the shorter is taken",
        "normalized": "13.1: 'Other films' is not standalone; 'also among' is",
    },
)
dec(
    NK,
    1842,
    1897,
    about="A",
    proposition="B",
    normalized="A",
    why={
        "about": "12.1: 'this' resolves to the hack of Sony Pictures",
        "proposition": "14.2: two valid keys, the shorter is taken",
        "normalized": "13.4: 'possibly' for possible; equivalent wording",
    },
)
dec(NK, 1911, 1960, normalized="B", why={"normalized": "13.1: equivalent; the shorter wording"})
dec(
    NK,
    1911,
    2008,
    span="A",
    proposition="A",
    normalized="A",
    why={
        "span": "8.5.6: the participle phrase 'currently to be released …' is spanned from its anchor noun phrase 'The Interview movie'",
        "proposition": "14.2: two valid keys, the shorter is taken",
        "normalized": "13.6: keeps the text's 'currently'",
    },
)
dec(NK, 2010, 2047, normalized="A", why={"normalized": "13.2: 'to investigate' is not in the text"})
dec(
    NK,
    2049,
    2169,
    proposition="B",
    normalized="A",
    why={
        "proposition": "14.2: two valid keys, the shorter is taken (the statement keeps the figure)",
        "normalized": "13.2: 'in the hack' not needed; pass-a's wording",
    },
)

# ---- sony-pictures-hack-guardians-of-peace -------------------------------------------------------
GPW = "13.2: the fullest name the article uses is 'Sony Pictures Entertainment'"
dec(GP, 0, 71, normalized="B", why={"normalized": GPW})
dec(
    GP,
    72,
    159,
    proposition="B",
    normalized="B",
    why={"proposition": "14.2: two valid keys, the shorter is taken", "normalized": GPW},
)
dec(GP, 241, 284, normalized="B", why={"normalized": GPW})
dec(
    GP,
    286,
    336,
    proposition="B",
    normalized="B",
    why={
        "proposition": "14.1/14.2: shared with 'GOP stands for Guardians of Peace' in the other article; the shorter key",
        "normalized": "13.1: equivalent; pass-b's wording",
    },
)
dec(
    GP,
    286,
    411,
    proposition="A",
    normalized="B",
    why={"proposition": "14.2: two valid keys, the shorter is taken", "normalized": GPW},
)
dec(GP, 413, 530, normalized="B", why={"normalized": GPW})
dec(
    GP,
    532,
    595,
    proposition="B",
    normalized="B",
    why={
        "proposition": "8.5.4: 'the World War II epic' and 'starring …' are separable; this claim states the cast only",
        "normalized": "8.5.4: the cast only; the genre is its own claim",
    },
)
dec(GP, 532, 641, normalized="B", why={"normalized": GPW})
dec(GP, 596, 624, normalized="B", why={"normalized": "13.1: equivalent; the shorter wording"})
dec(
    GP,
    646,
    721,
    proposition="A",
    normalized="B",
    why={
        "proposition": "14.2: two valid keys, the shorter is taken",
        "normalized": "13.1: equivalent; pass-b's wording",
    },
)
dec(
    GP,
    840,
    909,
    claimer="sony_spokesperson",
    proposition="B",
    why={
        "claimer": "7/9.5: same referent; the existing gold registry key `sony_spokesperson` is kept for stable links",
        "proposition": "14.2: two valid keys, the shorter is taken",
    },
)
dec(
    GP,
    915,
    972,
    claimer="sony_spokesperson",
    proposition="A",
    why={
        "claimer": "7/9.5: same referent; the existing gold registry key `sony_spokesperson` is kept",
        "proposition": "14.2: keys of equal length; the one without detail beyond the claim's wording ('on theft')",
    },
)
dec(
    GP,
    1074,
    1183,
    proposition="B",
    normalized="B",
    why={"proposition": "14.2: two valid keys, the shorter is taken", "normalized": GPW},
)
dec(
    GP,
    1198,
    1311,
    proposition="B",
    normalized="B",
    why={"proposition": "14.2: two valid keys, the shorter is taken", "normalized": GPW},
)
dec(
    GP,
    1428,
    1473,
    proposition="B",
    normalized="B",
    why={"proposition": "14.2: two valid keys, the shorter is taken", "normalized": GPW},
)
dec(
    GP,
    1428,
    1554,
    proposition="B",
    normalized="B",
    why={
        "proposition": "14.2: two valid keys, the shorter is taken; pass-b's key names both items the claim states",
        "normalized": GPW,
    },
)
dec(
    GP,
    1478,
    1532,
    about="A",
    proposition="B",
    normalized="The release of the Sony Pictures Entertainment film The Interview is forthcoming.",
    why={
        "about": "12.2: the clause names Sony ('the Sony film')",
        "proposition": "14.3: the Sony-film fact is its own claim (8.3), so the key states the release only",
        "normalized": "13.6 (keep the claim's detail) with 13.2 (fullest name); neither pass exactly",
    },
)
dec(
    GP,
    1556,
    1783,
    about="A",
    proposition="A",
    normalized="A",
    why={
        "about": "12: the CIA is an object of the clause",
        "proposition": "14.2: two valid keys, the shorter is taken",
        "normalized": "13.6: keeps 'manage to' as stated",
    },
)
dec(
    GP,
    1801,
    1985,
    proposition="A",
    normalized="B",
    why={"proposition": "14.2: two valid keys, the shorter is taken", "normalized": GPW},
)
dec(
    GP,
    2051,
    2104,
    proposition="B",
    normalized="B",
    why={
        "proposition": "14.1: 'potential involvement' does not entail 'North Korea hacked Sony Pictures' (pass-a's shared key); a key of its own",
        "normalized": GPW,
    },
)
dec(GP, 2199, 2258, proposition="B", why={"proposition": "14.2: two valid keys, the shorter is taken"})
# claims only pass-b made: kept
dec(
    GP,
    448,
    530,
    keep="B",
    normalized="Annie, To Write Love on Her Arms, Still Alice and Mr. Turner were unreleased films.",
    why={
        "span": "8.3: a fact carried by a modifier ('the unreleased films …') is a claim of its own",
        "normalized": "13.2: 'at the time of the … hack' is not stated in the phrase",
    },
)
dec(GP, 532, 559, keep="B", why={"span": "8.3/8.5.4: the appositive 'the World War II epic' is a separable fact"})
dec(
    GP,
    1505,
    1532,
    keep="B",
    why={"span": "8.3: 'the Sony film The Interview' states that The Interview is a Sony film"},
)

# proposition statements of the gold (one per key; 14.3: nothing a sharing claim does not state)
STATEMENTS = {
    "north_korea_behind_sony_pictures_hack": "North Korea hacked Sony Pictures.",
    "north_korea_hacked_sony_pictures_over_movie_release": "North Korea hacked Sony Pictures over the release of The Interview.",
    "the_interview_franco_rogen_reporters_assassinate_kim_jong_un": "In The Interview, James Franco and Seth Rogen play two reporters who go to North Korea to assassinate Kim Jong Un.",
    "kim_jong_un_is_leader_of_north_korea": "Kim Jong Un is the young leader of North Korea.",
    "kim_jong_un_angered_by_the_interview_advertising": "Kim Jong Un took notice and was angry when Sony Pictures started to advertise The Interview.",
    "kim_jong_un_finds_the_interview_offensive": "Kim Jong Un finds The Interview very offensive in its portrayal of North Korea and himself.",
    "north_korea_called_the_interview_release_terrorism_and_war_action": 'The North Korean government sent the US government a statement saying the release of The Interview is "undisguised terrorism and war action".',
    "north_korea_threatened_merciless_countermeasure_over_the_interview": "North Korea threatened to retaliate with merciless countermeasure if The Interview were released to the world.",
    "north_korean_hackers_disrupted_south_korea_communications": "In 2013, hackers from North Korea disrupted South Korea's communications.",
    "source_code_indicated_north_korea_disrupted_south_korea": "The source code indicated that hackers from North Korea disrupted South Korea's communications in 2013.",
    "south_korea_operation_known_as_dark_seoul": "The 2013 operation by hackers from North Korea against South Korea was known as Dark Seoul.",
    "dark_seoul_took_computer_systems_and_banks_offline": "In the Dark Seoul operation, South Korean computer systems and banks went offline.",
    "sony_pictures_hack_used_dark_seoul_code": "The hack of Sony Pictures used the same code as the Dark Seoul operation.",
    "unreleased_sony_pictures_movies_pirated_online": "Several unreleased Sony Pictures movies were made available and pirated on the Internet.",
    "hacked_by_gop_message_appeared_on_sony_computers": 'A message reading "Hacked by GOP" appeared on Sony Pictures employees\' computers.',
    "gop_is_guardians_of_peace": "GOP is another name for the Guardians of Peace.",
    "annie_and_fury_leaked_online": "The films Annie and Fury were leaked onto the Internet.",
    "mr_turner_still_alice_to_write_love_leaked_online": "The films Mr. Turner, Still Alice and To Write Love on Her Arms were leaked onto the Internet.",
    "sony_hack_only_north_korean_response_to_the_interview": "The hack of Sony Pictures is the only North Korean response to The Interview.",
    "not_the_interview_damaged_or_leaked": "The Interview was not damaged or leaked in the hack of Sony Pictures.",
    "the_interview_release_before_christmas_2014": "The Interview is to be released before Christmas 2014.",
    "fbi_called_into_sony_pictures_hack": "The FBI has been called into the Sony Pictures hack.",
    "sony_employees_ssns_and_personnel_data_stolen": "Social security numbers and personnel data of some 6000 Sony Pictures employees were stolen.",
    "sony_pictures_advertised_the_interview": "Sony Pictures advertised the movie The Interview.",
    "the_interview_stars_james_franco_and_seth_rogen": "The Interview stars James Franco and Seth Rogen.",
    "kim_jong_un_loves_western_movies": "Kim Jong Un loves western movies.",
    "kim_jong_un_attended_college_in_switzerland": "Kim Jong Un attended college in Switzerland.",
    "the_interview_is_comedy_and_satire": "The Interview is a comedy and satire.",
    "sony_pictures_hacked": "Sony Pictures was hit by a cyberattack.",
    "sony_pictures_hack_code_traced_to_north_korea": "The code used in the Sony Pictures hack has been traced back to North Korea.",
    "sony_pictures_suffered_major_failure": "Sony Pictures suffered a major failure in the hack.",
    "sony_pictures_computers_useless_after_breach": "Sony Pictures' computers were useless after the security breach.",
    "sony_hack_released_salary_information_to_feature_films": "The cyberattack on Sony Pictures led to the release of everything from salary information to feature-length films.",
    "north_korean_hackers_behind_sony_pictures_hack": "North Korean hackers were behind the cyberattack on Sony Pictures.",
    "guardians_of_peace_claimed_sony_pictures_hack": "The Guardians of Peace took responsibility for the cyberattack on Sony Pictures and the release of its data.",
    "guardians_of_peace_leaked_annie_to_write_love_still_alice_mr_turner": "The Guardians of Peace leaked the unreleased films Annie, To Write Love on Her Arms, Still Alice and Mr. Turner.",
    "annie_to_write_love_still_alice_mr_turner_unreleased": "Annie, To Write Love on Her Arms, Still Alice and Mr. Turner were unreleased films.",
    "fury_is_world_war_ii_epic": "Fury is a World War II epic.",
    "fury_stars_brad_pitt_and_shia_labeouf": "Fury stars Brad Pitt and Shia LaBeouf.",
    "fury_leaked": "The film Fury was leaked in the Sony Pictures hack.",
    "fury_currently_in_theaters": "Fury is currently in theaters.",
    "fury_downloaded_1_2_million_times": "The leaked film Fury has been downloaded from file sharing sites approximately 1.2 million times.",
    "sony_content_theft_criminal_matter": "The theft of Sony Pictures Entertainment content is a criminal matter.",
    "sony_pictures_working_with_law_enforcement": "Sony Pictures Entertainment is working closely with law enforcement to address the theft of its content.",
    "gop_attack_retaliation_for_racial_discrimination": 'The Guardians of Peace attacked Sony Pictures to retaliate for "terrible racial discrimination".',
    "gop_accessed_sony_network_with_staff_help": 'With the help of "other staff with similar interests", the Guardians of Peace physically accessed Sony Pictures\' network.',
    "korean_digital_fingerprints_on_sony_hack": "There are Korean digital fingerprints on the cyberattack on Sony Pictures.",
    "korean_fingerprints_and_the_interview_explain_gop_motive": "The Korean digital fingerprints on the attack and the forthcoming release of The Interview explain why the Guardians of Peace attacked Sony Pictures.",
    "the_interview_release_forthcoming": "The release of The Interview is forthcoming.",
    "the_interview_is_sony_film": "The Interview is a Sony Pictures film.",
    "the_interview_plot_journalists_enlisted_by_cia_to_assassinate_kim_jong_un": "The Interview is the story of two journalists who score a rare interview with Kim Jong Un and are enlisted by the CIA to try to assassinate the North Korean leader.",
    "north_korea_unhappy_about_the_interview_release": "North Korea is unhappy about the release of The Interview.",
    "north_korea_threatened_us_with_merciless_retaliation_over_the_interview": 'North Korea threatened "merciless retaliation" against the United States and other nations if Sony Pictures releases The Interview.',
    "north_korea_involved_in_sony_pictures_hack": "North Korea was involved in the Sony Pictures hack.",
    "hostile_forces_blaming_everything_on_north_korea": "Hostile forces are relating everything to North Korea.",
}

NEW_ENTITY = {
    "unnamed_sources": {
        "key": "unnamed_sources",
        "name": "Unnamed sources",
        "type": "PERSON",
        "aliases": [],
        "description": "sources of rumours and reports that the text does not name",
    }
}


def dump(path: Path, obj) -> None:
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main() -> int:
    da, ea, _ = load_pass("pass-a")
    db, eb, _ = load_pass("pass-b")
    old = {a: json.loads((ANN / f"{a}.json").read_text()) for a in ARTS}
    gold_ents = {e["key"]: e for e in json.loads((ANN / "entities.json").read_text())["entities"]}
    rows = []  # (article, place, field, A, B, decision, rule)
    used = set()
    docs = {}
    for art in ARTS:
        A, B = da[art], db[art]
        text = (ANN / f"{art}.txt").read_text(encoding="utf-8")
        pairs, only_a, only_b = pair_claims(A["claims"], B["claims"])
        items = [(a, b) for a, b in pairs] + [(a, None) for a in only_a] + [(None, b) for b in only_b]
        claims = []
        for a, b in items:
            base = a or b
            key = (art, base["start"], base["end"])
            d = D.get(key, {"_why": {}})
            used.add(key)
            if (a is None or b is None) and d.get("keep") not in ("A", "B"):
                raise SystemExit(f"no decision for unpaired claim {key}")
            span_src = a if (d.get("span", "A") == "A" and a) else b
            c = {
                "id": None,
                "start": span_src["start"],
                "end": span_src["end"],
                "text": text[span_src["start"] : span_src["end"]],
            }
            for f in FIELDS:
                va = a[f] if a else None
                vb = b[f] if b else None
                choice = d.get(f)
                if choice == "A":
                    v = va
                elif choice == "B":
                    v = vb
                elif choice is not None:
                    v = choice
                else:
                    if a and b and (sorted(va) if f == "about" else va) != (sorted(vb) if f == "about" else vb):
                        raise SystemExit(f"undecided disagreement {key} {f}: {va!r} / {vb!r}")
                    v = va if a else vb
                c[f] = v
                # record
                if a and b:
                    differs = (sorted(va) if f == "about" else va) != (sorted(vb) if f == "about" else vb)
                    corrected = not differs and v != va
                    if differs or corrected:
                        rows.append((art, place_of(base), f, va, vb, v, d["_why"].get(f, "")))
            if a and b and (a["start"], a["end"]) != (b["start"], b["end"]):
                rows.append(
                    (art, place_of(base), "span", place_of(a), place_of(b), place_of(c), d["_why"].get("span", ""))
                )
            if not (a and b):
                rows.append(
                    (
                        art,
                        place_of(base),
                        "claim (one pass only)",
                        place_of(a) if a else "—",
                        place_of(b) if b else "—",
                        "kept: " + place_of(c),
                        d["_why"].get("span", ""),
                    )
                )
            claims.append(c)
        claims.sort(key=lambda c: (c["start"], c["end"]))
        n_m = len(A["entities"])
        for i, c in enumerate(claims, 1):
            c["id"] = f"c{n_m + i}" if any(m["id"] == f"c{i}" for m in A["entities"]) else f"c{i}"
            assert c["text"] == text[c["start"] : c["end"]]
            c["about"] = list(dict.fromkeys(c["about"]))
        mentions = [dict(m) for m in A["entities"]]
        for m in mentions:
            assert m["text"] == text[m["start"] : m["end"]]
        g = old[art]
        doc = {
            "id": g["id"],
            "text_sha256": g["text_sha256"],
            "metadata": g["metadata"],
            "segments": A["segments"],
            "entities": mentions,
            "claims": claims,
            "annotators": ["pass-a", "pass-b", "adjudicator"],
            "notes": "Adjudicated from two blind passes under guidelines 2.0; decisions in annotations/ADJUDICATION.md",
        }
        docs[art] = doc
    missing = set(D) - used
    if missing:
        raise SystemExit(f"decisions for claims not found: {sorted(missing)}")
    # registries
    ent_used = set()
    for doc in docs.values():
        ent_used |= {m["entity"] for m in doc["entities"] if m["entity"]}
        for c in doc["claims"]:
            ent_used |= set(c["about"]) | ({c["claimer"]} - {"author"})
    ents = []
    for k in sorted(ent_used):
        if k in gold_ents:
            ents.append(gold_ents[k])
        elif k in NEW_ENTITY:
            ents.append(NEW_ENTITY[k])
        else:
            raise SystemExit(f"entity {k} not in gold registry")
    prop_used = sorted({c["proposition"] for d_ in docs.values() for c in d_["claims"]})
    props = []
    for k in prop_used:
        if k not in STATEMENTS:
            raise SystemExit(f"no statement for {k}")
        props.append({"key": k, "statement": STATEMENTS[k]})
    for art, doc in docs.items():
        dump(ANN / f"{art}.json", doc)
    dump(ANN / "entities.json", {"entities": ents})
    dump(ANN / "propositions.json", {"propositions": props})
    write_md(rows, docs, old, gold_ents, ea, eb, ents)
    return 0


def place_of(c):
    return f"[{c['start']},{c['end']}] “{c['text']}”" if c else "—"


def fmt(v):
    if v is None:
        return "—"
    if isinstance(v, list):
        return ", ".join(f"`{x}`" for x in v) or "∅"
    s = str(v).replace("|", "\\|").replace("\n", " ")
    return s


def write_md(rows, docs, old, gold_ents, ea, eb, ents):
    commit = subprocess.run(
        ["git", "log", "-1", "--format=%h", "--", "annotations/GUIDELINES.md"],
        capture_output=True,
        text=True,
        cwd=ANN.parent,
    ).stdout.strip()
    today = datetime.date.today().isoformat()
    dis = disagreements("pass-a", "pass-b")
    by_layer: dict[str, int] = {}
    for r in dis:
        by_layer[r["layer"]] = by_layer.get(r["layer"], 0) + 1
    L = []
    L.append("# Adjudication of the two blind passes (issue 17)\n")
    L.append(f"- **Guidelines**: `annotations/GUIDELINES.md` version 2.0 (commit {commit}).")
    L.append(
        "- **Passes**: `annotations/passes/pass-a/` and `annotations/passes/pass-b/`, each made by a separate "
        "annotator session given only the guidelines, the JSON Schemas and the raw `.txt` of the two seed "
        "articles; neither saw the other pass, the gold or earlier passes. The passes are not edited."
    )
    L.append(
        f"- **Adjudication**: {today}, by a third session (the adjudicator) that compared the passes layer by "
        "layer with `docs/adjudication/pass_disagreements.py` and decided each disagreement by the rules of the "
        "guidelines (section 15.3), not by majority; where both passes agreed but a rule says otherwise the "
        "gold is corrected and the row says so. The decisions are data in `docs/adjudication/adjudicate_passes.py`, "
        "which writes the gold (`annotations/<id>.json`, `entities.json`, `propositions.json`) and this file."
    )
    L.append(
        "- The old gold (guidelines 1) is replaced entirely: segments, mentions and links come from the passes "
        "(identical in both), claims and propositions from this adjudication.\n"
    )
    L.append(
        "Disagreements found by `docs/adjudication/pass_disagreements.py` (pass-a vs pass-b): "
        + ", ".join(f"{k} {v}" for k, v in by_layer.items())
        + f"; total {len(dis)}.\n"
    )
    L.append(
        "Layers with no disagreement: segments (identical), mention spans and labels (88/88 identical), links "
        "(all 78 named mentions link to the same keys in both passes, which are also the old gold keys).\n"
    )
    L.append("## Claims: one row per disagreement or correction\n")
    L.append("| # | article | place | layer | pass-a | pass-b | decision | rule |")
    L.append("|---|---|---|---|---|---|---|---|")
    short = {"north-korea-hacks-sony-pictures": "NK", "sony-pictures-hack-guardians-of-peace": "GP"}
    n = 0
    for art, pl, f, va, vb, v, why in rows:
        n += 1
        L.append(f"| {n} | {short[art]} | {fmt(pl)} | {f} | {fmt(va)} | {fmt(vb)} | {fmt(v)} | {fmt(why)} |")
    L.append("\nNK = `north-korea-hacks-sony-pictures`, GP = `sony-pictures-hack-guardians-of-peace`.\n")
    L.append("## Proposition clustering across the two articles\n")
    L.append("| # | claims | pass-a | pass-b | decision | rule |")
    L.append("|---|---|---|---|---|---|")
    m = 0
    clus = [
        (
            "NK [0,31] “North Korea Hacks Sony Pictures” ~ GP [2051,2104] “their potential involvement in the Sony Pictures hack”",
            "same key `north_korea_behind_sony_pictures_hack`",
            "NK claim absent; GP keyed `north_korea_involved_in_sony_pictures_hack`",
            "different keys",
            "14.1.3: involvement does not entail hacking; not mutual",
        ),
        (
            "NK [1595,1628] “GOP stands for Guardians of Peace” ~ GP [286,336] “A group by the name of “Guardians of Peace” or GOP”",
            "same key (`guardians_of_peace_called_gop`)",
            "same key (`gop_is_guardians_of_peace`)",
            "same key `gop_is_guardians_of_peace`",
            "14.1 (mutual entailment), 14.2 (shorter key)",
        ),
        (
            "NK [1254,1335] “In late November, … was hacked into” ~ GP [0,71] “Sony Pictures was the target of a massive cyber attack over the weekend”",
            "same key `sony_pictures_hacked`",
            "same key `sony_pictures_hacked`",
            "same key",
            "14.1.3: the dates locate the same attack (topic sony-pictures-hack-2014); hard case 11",
        ),
        (
            'NK [262,326] “the movie, "The Interview", starring James Franco and Seth Rogen” ~ GP [1556,1610] “The Interview, which stars James Franco and Seth Rogan”',
            "same key",
            "same key",
            "same key `the_interview_stars_james_franco_and_seth_rogen`",
            "14.1 (paraphrase; misspelling resolves to the same person, 4.4.6)",
        ),
        (
            "NK [1691,1764] “… Annie and Fury, were two of the films leaked …” ~ GP [532,641] “Fury, … was also leaked”",
            "different keys",
            "different keys",
            "different keys",
            "8.4 / 14.1 example: a list says more than one item",
        ),
        (
            "NK [1766,1833] “Other films are: Mr. Turner, …” ~ GP [413,530] “The Guardians of Peace have leaked …”",
            "different keys",
            "different keys",
            "different keys",
            "14.1.3: GP adds the agent (GOP) and Annie; the NK list names no leaker",
        ),
        (
            "NK [896,991] “NK will retaliate with merciless countermeasure if released” ~ GP [1801,1985] “… has threatened “merciless retaliation” against the United States and other nations …”",
            "different keys",
            "different keys",
            "different keys",
            "14.1.3: GP adds the targets (the United States and other nations)",
        ),
        (
            "NK [1357,1389] “which has been traced back to NK” ~ GP [241,284] “North Korean hackers were behind the attack”",
            "different keys",
            "different keys",
            "different keys",
            "14.1.4: code traced to a country does not state who carried out the attack without inference",
        ),
        (
            "NK [1518,1593] “a message appeared: Hacked by GOP” ~ GP [286,411] “… GOP has taken responsibility for the attack …”",
            "different keys",
            "different keys",
            "different keys (old gold had one key)",
            "hard case 3, 14.1.4: a displayed message is not a claim of responsibility",
        ),
    ]
    for c, a, b, d_, r in clus:
        m += 1
        L.append(f"| {m} | {c} | {a} | {b} | {d_} | {r} |")
    L.append("\n## Entity registry\n")
    L.append("| # | key | pass-a | pass-b | decision | rule |")
    L.append("|---|---|---|---|---|---|")
    k = 0
    for r in dis:
        if r["layer"] != "entity registry":
            continue
        k += 1
        key = r["place"].split(".")[0]
        if key == "sony_pictures_spokesperson":
            dd, rule = (
                "key `sony_spokesperson` (existing gold entry, name “Sony Pictures Entertainment spokesperson”)",
                "7.1/7.2, 9.5: one entity per referent; existing gold key kept for stable links",
            )
        elif key == "sony_spokesperson":
            dd, rule = "kept (existing gold entry)", "7.1, 9.5"
        elif key == "unnamed_sources":
            dd, rule = (
                "new entry `unnamed_sources`, name “Unnamed sources”, description “sources of rumours and reports that the text does not name”",
                "9.5: rumours without a named source",
            )
        else:
            dd, rule = (
                "existing gold entry kept: " + fmt(gold_ents.get(key, {}).get(r["place"].split(".")[1], "")),
                "7.5: every version identifies the referent; the existing gold registry is kept for stability",
            )
        L.append(f"| {k} | {r['place']} | {fmt(r['a'])} | {fmt(r['b'])} | {dd} | {rule} |")
    L.append("\n## Corrections of the old gold (guidelines 1) not raised by a pass disagreement\n")
    L.append(
        "- Lists are one claim (8.4): the old one-claim-per-film claims are replaced by one claim per list; "
        "the `gop_leaked_*` keys on the NK list are gone (14.2/14.3: the NK article never says GOP leaked them)."
    )
    L.append(
        "- “a message appeared: Hacked by GOP” is no longer keyed as a claim of responsibility (hard case 3, 14.1.4)."
    )
    L.append(
        "- “the rumors of their potential involvement” is `unnamed_sources`, `reported`, `possible`, not the author's (9.5, 10.1)."
    )
    L.append("- “this may be the only NK response” is `possible` (10.1), with “possibly” in `normalized` (13.4).")
    L.append(
        "- `normalized` rewritten by 13.2–13.4: no years or months the text does not give for the claim "
        "(old “in 2014”, “late November 2014”), hedges written as “probably”/“possibly” only."
    )
    L.append(
        "- “Sony suffered a major failure” is a claim in both passes (8.2.1: an evaluative word inside a checkable statement does not stop it); the old gold had dropped it."
    )
    L.append("- Unused registry entries removed; `unnamed_sources` added.\n")
    total = n + m + k
    L.append(f"Decisions recorded: {n} claim-layer rows, {m} clustering rows, {k} registry rows; {total} in all.")
    (ANN / "ADJUDICATION.md").write_text("\n".join(L) + "\n", encoding="utf-8")
    print(f"rows: claims {n}, clustering {m}, registry {k}, total {total}")


if __name__ == "__main__":
    sys.exit(main())
