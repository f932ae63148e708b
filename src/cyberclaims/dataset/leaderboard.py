"""The baselines leaderboard: the results JSON of ``cyberclaims baselines`` as a markdown table.

The dataset card shows this table, so it lives in the dataset layer and reads only the results JSON
(``benchmarks/baselines.json``, written by :func:`cyberclaims.benchmark.baselines.run_baselines`): it
imports nothing of the benchmark code. The benchmark's terminal table (``cyberclaims baselines``) uses
the same row order and figures (:func:`sorted_rows`, :func:`row_figures`, :func:`format_figure`) and
the same sentences on what was scored (:func:`scored_on`: the split and its article count) and what the
baselines that learn from gold labels learnt from (:func:`learnt_from`: the train split, or
leave-one-article-out).
"""

from __future__ import annotations

from typing import Any

from ..core.sampling import informative, not_informative

# The benchmark's tasks in the order tables list them (cyberclaims.benchmark.tasks checks that its
# TASKS are these, in this order).
TASK_ORDER = ("ner", "linking", "claims", "propositions", "events")

# From explosion/spacy-models, meta/en_core_web_sm-3.8.0.json: what the official release reports.
OFFICIAL_EN_CORE_WEB_SM = {
    "version": "3.8.0",
    "spacy_git_version": "5010fcbd3",
    "ents_p": 0.8429743795,
    "ents_r": 0.8436498397,
    "ents_f": 0.8433119744,
    "tag_acc": 0.972937262,
    "dep_uas": 0.9176955214,
}

_TASK_RANK = {task: n for n, task in enumerate(TASK_ORDER)}


def format_figure(value: float | None) -> str:
    """A score as shown in every table: three decimals, or ``n/a`` when it is undefined (None)."""
    return "n/a" if value is None else f"{value:.3f}"


def row_figures(row: dict[str, Any]) -> tuple[str, str, str, str]:
    """(precision, recall, F1, other figures) of a results row, formatted; a figure resting on fewer than
    :data:`~cyberclaims.core.sampling.MIN_MINORITY_ITEMS` items of its minority class (see
    :func:`minority_items`) is shown as "not informative (n=…)"."""
    m = row["metrics"]
    support = minority_items(row)

    def figure(key: str) -> str:
        n = support[key]
        return format_figure(m[key]) if informative(n) else not_informative(n)

    if row["task"] == "ner":
        return (
            figure("precision"),
            figure("recall"),
            figure("f1"),
            f"macro-F1 {figure('macro_f1')}; partial F1 {figure('partial_f1')}",
        )
    if row["task"] == "linking":
        return (
            figure("precision"),
            figure("recall"),
            figure("f1"),
            f"accuracy on found mentions {figure('accuracy')} ({m['found']} found)",
        )
    if row["task"] == "claims":
        return (
            figure("precision"),
            figure("recall"),
            figure("f1"),
            f"attribution acc. {figure('attribution_accuracy')} / macro-F1 {figure('attribution_macro_f1')}; "
            f"certainty acc. {figure('certainty_accuracy')} / macro-F1 {figure('certainty_macro_f1')}; "
            f"claimer acc. {figure('claimer_accuracy')}",
        )
    return (
        figure("pairwise_precision"),
        figure("pairwise_recall"),
        figure("pairwise_f1"),
        f"B-cubed F1 {figure('bcubed_f1')}; cross-document pairwise F1 {figure('cross_document_pairwise_f1')}",
    )


def minority_items(row: dict[str, Any]) -> dict[str, int]:
    """What each figure of a results row rests on, as the rule of :mod:`cyberclaims.core.sampling` counts it:
    an F1 or accuracy, its items (in the gold or the predictions, a match once); attribution and certainty,
    the matched claims outside the majority class in the gold or the predictions; a clustering, its positive
    pairs (pairs of claims sharing a key in the gold or the predictions)."""
    m = row["metrics"]
    task = row["task"]
    if task == "ner":
        items = m["gold"] + m["predicted"] - m["correct"]
        partial = m["views"]["partial"]
        keys = ("precision", "recall", "f1", "macro_f1")
        return {**dict.fromkeys(keys, items), "partial_f1": partial["possible"] + partial["spurious"]}
    if task == "linking":
        found_links = round((m["recall"] or 0.0) * m["gold_links"])  # recall = found / gold links
        items = m["gold_links"] + m["predicted_links"] - found_links
        return {**dict.fromkeys(("precision", "recall", "f1"), items), "accuracy": m["found"]}
    if task == "claims":
        items = m["gold"] + m["predicted"] - m["matched"]
        support = {**dict.fromkeys(("precision", "recall", "f1"), items), "claimer_accuracy": m["matched"]}
        for attribute in ("attribution", "certainty"):
            outside = _outside_majority(m["per_label"][attribute], m["matched"])
            support |= {f"{attribute}_accuracy": outside, f"{attribute}_macro_f1": outside}
        return support
    positive = m["gold_pairs"] + m["predicted_pairs"] - m["correct_pairs"]
    cross = m["gold_cross_document_pairs"] + m["predicted_cross_document_pairs"] - m["correct_cross_document_pairs"]
    pairs = ("pairwise_precision", "pairwise_recall", "pairwise_f1", "bcubed_precision", "bcubed_recall", "bcubed_f1")
    cross_keys = ("cross_document_pairwise_precision", "cross_document_pairwise_recall", "cross_document_pairwise_f1")
    return {**dict.fromkeys(pairs, positive), **dict.fromkeys(cross_keys, cross)}


def _outside_majority(per_label: dict[str, Any], matched: int) -> int:
    """Matched claims whose gold or predicted label is not the majority class (of gold and predicted labels
    pooled; ties to the first by name)."""
    if not per_label:
        return 0
    pooled = {label: v["gold"] + v["predicted"] for label, v in per_label.items()}
    majority = min(pooled, key=lambda label: (-pooled[label], label))
    both = round((per_label[majority]["recall"] or 0.0) * per_label[majority]["gold"])  # recall = correct / gold
    return matched - both


def sorted_rows(results: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of a results JSON by task (in :data:`TASK_ORDER`), the core baselines before the optional ones."""
    return sorted(results["rows"], key=lambda r: (_TASK_RANK.get(r["task"], 99), r["optional"]))


def leaderboard_markdown(results: dict[str, Any]) -> str:
    """The results of ``run_baselines`` (or their JSON) as a markdown table, with its footnotes."""
    lines = ["| task | baseline | precision | recall | F1 | also |", "|---|---|---|---|---|---|"]
    notes: dict[str, str] = {}  # by extra: its packages, once
    for row in sorted_rows(results):
        name = row["name"] + (f" (optional: `{row['extra']}` extra)" if row["optional"] else "")
        if row.get("skipped"):
            lines.append(f"| {row['task']} | {name} | | | | skipped: {row['skipped']} |")
            continue
        p, r, f, also = row_figures(row)
        lines.append(f"| {row['task']} | {name} | {p} | {r} | {f} | {also} |")
        prov = row["provenance"]
        packages = ", ".join(f"{k} {v}" for k, v in prov["packages"].items() if k != "cyberclaims" and v)
        if row["optional"] and packages and row["extra"] not in notes:
            notes[row["extra"]] = f"`{row['extra']}` extra: {packages}{_provenance_detail(prov)}."
    return "\n".join(lines + [""] + _footer(results) + ([""] + [f"- {n}" for n in notes.values()] if notes else []))


def _provenance_detail(prov: dict[str, Any]) -> str:
    """What an optional baseline's footnote adds to its packages: is its model the official one?"""
    detail = ""
    if "meta_matches_official_release" in prov:
        detail = (
            f"; pipeline {prov['pipeline']}, whose meta.json "
            f"{'reports' if prov['meta_matches_official_release'] else 'does not report'} the "
            f"version, spaCy commit and accuracy figures of the official en_core_web_sm "
            f"{OFFICIAL_EN_CORE_WEB_SM['version']}"
        )
    if "weights_match_official_revision" in prov:
        detail = (
            f"; the weights {'are' if prov['weights_match_official_revision'] else 'are not'} the "
            f"official revision's (sha256 {str(prov['weights_sha256'])[:12]}…)"
        )
    return detail


def _footer(results: dict[str, Any]) -> list[str]:
    """The lines under the table: what was scored, and where the confidence intervals are (or why not)."""
    rows = [r for r in results["rows"] if not r.get("skipped")]
    reason = rows[0]["confidence"].get("reason") if rows else None
    footer = [
        f"Scored with `cyberclaims evaluate` on {scored_on(results)}; cyberclaims "
        f"{results['cyberclaims_version']}, seed {results['seed']}. {learnt_from(results)} Propositions "
        f"and events rows are given the gold claims and score the clustering alone; claims rows detect claims "
        f"themselves."
    ]
    if reason:
        footer.append(f"No confidence intervals: {reason}.")
    else:
        footer.append("95% confidence intervals (bootstrap over articles) are in the results JSON.")
    return footer


def scored_on(results: dict[str, Any]) -> str:
    """ "the test split (2 articles)": what the results were scored on."""
    n = len(results["articles"])
    articles = f"{n} article{'s' if n != 1 else ''}"
    return f"the {results['split']} split ({articles})" if results.get("split") else articles


def learnt_from(results: dict[str, Any]) -> str:
    """A sentence on what the baselines that learn from gold labels learnt from."""
    training = results.get("training")
    if not training:
        return ""
    learners = sorted({r["baseline"] for r in results["rows"] if "training" in (r.get("provenance") or {})})
    if not learners:
        return ""
    if training["method"] == "train split":
        n = training["articles"]
        how = f"{'was' if len(learners) == 1 else 'were'} trained on the {n} article{'s' if n != 1 else ''} of the train split"
    else:
        how = (
            f"{'is' if len(learners) == 1 else 'are'} scored leave-one-article-out over the {results.get('split') or 'scored'} split (the train "
            f"split has no article): each article is tagged with what the others taught it"
        )
    return f"The {', '.join(learners)} baseline{'s' if len(learners) != 1 else ''} {how}."
