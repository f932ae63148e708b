"""The benchmark's scoring: against seqeval, nervaluate and scikit-learn, against the definitions written
out by brute force, and through the real `cyberclaims evaluate` command."""

from __future__ import annotations

import itertools
import json
import random
from collections import Counter
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from cyberclaims.benchmark.metrics import ner_score, ner_stats, propositions_score, propositions_stats
from cyberclaims.benchmark.predictions import check_predictions, prediction_document, write_jsonl
from cyberclaims.benchmark.scoring import MIN_ARTICLES_FOR_CI, bootstrap, evaluate
from cyberclaims.benchmark.tasks import TASK_SPECS, TASKS
from cyberclaims.core.agreement import match_claims
from cyberclaims.core.jsondoc import JsonDocument
from cyberclaims.core.model import Article
from cyberclaims.core.text import split_sentences, tokenize
from cyberclaims.core.vocabulary import ENTITY_LABELS as LABELS
from cyberclaims.dataset import rows
from cyberclaims.validation import validate

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def gold() -> list[Article]:
    """The gold articles of the test split: what `cyberclaims evaluate` scores by default."""
    corpus, report = validate(ROOT, show_progress=False)
    assert report.ok, report.summary()
    return sorted((a for a in corpus.gold.articles if a.data["metadata"]["split"] == "test"), key=lambda a: a.id)


def _articles(n: int) -> str:
    return f"{n} article{'' if n == 1 else 's'}"


def predicted(documents: dict[str, dict], gold: list[Article]) -> dict[str, Article]:
    """Validate in-memory predictions as the CLI would; they must be valid."""
    checked = check_predictions(documents, gold)
    assert checked.ok, [i.to_text() for i in checked.report.errors]
    return checked.articles


def _sentences(article: Article) -> list[list[tuple[int, int]]]:
    return [
        tokenize(article.text, s, e)
        for seg in article.data["segments"]
        if seg["kind"] != "boilerplate"
        for s, e in split_sentences(article.text, seg["start"], seg["end"])
    ]


def perturbed_mentions(article: Article, rng: random.Random) -> list[dict]:
    """The gold mentions with some dropped, shifted by a token, relabelled or relinked, plus spurious ones."""
    sentences = _sentences(article)
    where = {tok[0]: (n, i) for n, sentence in enumerate(sentences) for i, tok in enumerate(sentence)}
    ends = {tok[1]: (n, i) for n, sentence in enumerate(sentences) for i, tok in enumerate(sentence)}
    labels = sorted(LABELS)
    mentions = []
    for m in article.data["entities"]:
        m = {"start": m["start"], "end": m["end"], "label": m["label"], "entity": m["entity"]}
        roll = rng.random()
        if roll < 0.15:
            continue  # dropped
        if roll < 0.3:
            m["label"] = rng.choice([x for x in labels if x != m["label"]])
        elif roll < 0.5:
            n, first = where[m["start"]]
            _, last = ends[m["end"]]
            first, last = rng.choice(
                [(first - 1, last), (first + 1, last), (first, last - 1), (first, last + 1), (first + 1, last + 1)]
            )
            if 0 <= first <= last < len(sentences[n]):
                m["start"], m["end"] = sentences[n][first][0], sentences[n][last][1]
        elif roll < 0.6:
            m["entity"] = "some_other_entity"
        mentions.append(m)
    for _ in range(rng.randrange(6)):  # spurious mentions
        sentence = rng.choice(sentences)
        i = rng.randrange(len(sentence))
        j = min(len(sentence) - 1, i + rng.randrange(3))
        mentions.append({"start": sentence[i][0], "end": sentence[j][1], "label": rng.choice(labels), "entity": None})
    kept: list[dict] = []
    for m in sorted(mentions, key=lambda m: (m["start"], m["end"])):
        if not kept or m["start"] >= kept[-1]["end"]:
            kept.append(m)  # predictions may not overlap either
    return kept


def perturbed_claims(article: Article, rng: random.Random) -> list[dict]:
    """Gold claims dropped, shifted, with other attributes and propositions, plus spurious sentence claims."""
    text = article.text
    claims = []
    for c in article.data["claims"]:
        roll = rng.random()
        if roll < 0.15:
            continue
        c = dict(c)
        if roll < 0.35:
            start = max(0, min(c["end"] - 1, c["start"] + rng.randrange(-15, 25)))
            end = max(start + 1, min(len(text), c["end"] + rng.randrange(-25, 15)))
            while text[start].isspace():
                start += 1
            while text[end - 1].isspace():
                end -= 1
            if start < end and not any(
                s["kind"] == "boilerplate" and s["start"] < end and start < s["end"] for s in article.data["segments"]
            ):
                c["start"], c["end"] = start, end
        c["attribution"] = rng.choice(["asserted", "reported"]) if rng.random() < 0.3 else c["attribution"]
        c["certainty"] = rng.choice(["certain", "probable", "possible"]) if rng.random() < 0.3 else c["certainty"]
        c["claimer"] = "someone_else" if rng.random() < 0.2 else c["claimer"]
        c["proposition"] = f"cluster_{rng.randrange(25)}" if rng.random() < 0.5 else c["proposition"]
        claims.append(c)
    sentences = [
        (s, e)
        for seg in article.data["segments"]
        if seg["kind"] != "boilerplate"
        for s, e in split_sentences(text, seg["start"], seg["end"])
    ]
    for s, e in rng.sample(sentences, 3):
        claims.append({"start": s, "end": e, "proposition": f"cluster_{rng.randrange(25)}"})
    return claims


def perturbed(gold: list[Article], seed: int) -> dict[str, Article]:
    rng = random.Random(seed)
    return predicted(
        {
            a.id: prediction_document(a, entities=perturbed_mentions(a, rng), claims=perturbed_claims(a, rng))
            for a in gold
        },
        gold,
    )


def gold_predictions(gold: list[Article]) -> dict[str, Article]:
    return predicted({a.id: a.data for a in gold}, gold)


def empty_predictions(gold: list[Article]) -> dict[str, Article]:
    return predicted({a.id: prediction_document(a) for a in gold}, gold)


SYSTEMS = ["gold", "empty", *(f"perturbed-{seed}" for seed in range(6))]


def system(name: str, gold: list[Article]) -> dict[str, Article]:
    if name == "gold":
        return gold_predictions(gold)
    if name == "empty":
        return empty_predictions(gold)
    return perturbed(gold, int(name.split("-")[1]))


# ---------------------------------------------------------------------------------------------
# ner against seqeval and nervaluate


def iob2(gold: list[Article], predictions: dict[str, Article] | None) -> list[list[str]]:
    """IOB2 tags of every sentence, built by the ner config's own code (rows.ner_sentences) on the gold tokens."""
    articles = [
        a
        if predictions is None
        else Article(
            a.id,
            a.text,
            a.text_bytes,
            JsonDocument("", "", {**a.data, "entities": predictions[a.id].data["entities"]}),
            "",
        )
        for a in gold
    ]
    return [tags for article in articles for _, _, _, tags in rows.ner_sentences(article)]


@pytest.mark.parametrize("name", SYSTEMS)
def test_ner_exact_match_equals_seqeval_strict_iob2(gold, name):
    from seqeval.metrics import classification_report
    from seqeval.scheme import IOB2

    predictions = system(name, gold)
    metrics = evaluate("ner", gold, predictions).metrics
    y_true, y_pred = iob2(gold, None), iob2(gold, predictions)
    assert [len(t) for t in y_true] == [len(p) for p in y_pred]
    report = classification_report(y_true, y_pred, mode="strict", scheme=IOB2, output_dict=True, zero_division=0)
    labels = {k for k in report if not k.endswith(" avg")}
    assert labels == set(metrics["per_label"])
    for label in labels:
        ours, theirs = metrics["per_label"][label], report[label]
        assert ours["gold"] == theirs["support"]
        for measure, key in (("precision", "precision"), ("recall", "recall"), ("f1", "f1-score")):
            assert ours[measure] == pytest.approx(theirs[key], abs=1e-9), (label, measure)
    for ours, avg in (("", "micro avg"), ("macro_", "macro avg")):
        for measure, key in (("precision", "precision"), ("recall", "recall"), ("f1", "f1-score")):
            assert metrics[ours + measure] == pytest.approx(report[avg][key], abs=1e-9), (avg, measure)
    if name == "gold":
        assert metrics["f1"] == 1.0
    if name == "empty":
        assert metrics["f1"] == 0.0 and metrics["recall"] == 0.0


@pytest.mark.parametrize("name", SYSTEMS)
def test_ner_views_equal_nervaluate(gold, name):
    nervaluate = pytest.importorskip("nervaluate", reason="nervaluate needs Python 3.11+ (test extra)")
    predictions = system(name, gold)
    views = evaluate("ner", gold, predictions).metrics["views"]
    y_true, y_pred = iob2(gold, None), iob2(gold, predictions)
    results = nervaluate.Evaluator(y_true, y_pred, tags=sorted(LABELS), loader="list").evaluate()["overall"]
    for view in ("strict", "exact", "partial", "ent_type"):
        theirs = results[view]
        for key in ("correct", "incorrect", "partial", "missed", "spurious", "actual", "possible"):
            assert views[view][key] == getattr(theirs, key), (view, key)
        for key in ("precision", "recall", "f1"):
            assert views[view][key] == pytest.approx(getattr(theirs, key), abs=1e-9), (view, key)


def test_ner_views_on_a_hand_made_example():
    # gold: A=[0,1] PER, B=[3,3] ORG, C=[5,6] LOC; pred: [0,1] PER (exact), [3,4] ORG (overlap),
    # [5,6] ORG (span right, type wrong), [8,8] PER (spurious)
    gold_text = "t0 t1 t2 t3 t4 t5 t6 t7 t8 t9"
    spans = tokenize(gold_text)

    def mention(first, last, label):
        return {"start": spans[first][0], "end": spans[last][1], "label": label, "entity": None}

    data = {"entities": [mention(0, 1, "PERSON"), mention(3, 3, "ORG"), mention(5, 6, "LOC")]}
    pred = {"entities": [mention(0, 1, "PERSON"), mention(3, 4, "ORG"), mention(5, 6, "ORG"), mention(8, 8, "PERSON")]}
    a = Article("x", gold_text, b"", JsonDocument("", "", data), "")
    b = Article("x", gold_text, b"", JsonDocument("", "", pred), "")
    views = ner_score([(ner_stats(a, b), 1)])["views"]
    assert (views["strict"]["correct"], views["strict"]["incorrect"], views["strict"]["spurious"]) == (1, 2, 1)
    assert (views["exact"]["correct"], views["exact"]["incorrect"]) == (2, 1)
    assert (views["partial"]["correct"], views["partial"]["partial"]) == (2, 1)
    assert views["partial"]["precision"] == pytest.approx(2.5 / 4)
    assert (views["ent_type"]["correct"], views["ent_type"]["incorrect"]) == (2, 1)
    assert views["ent_type"]["recall"] == pytest.approx(2 / 3)


# ---------------------------------------------------------------------------------------------
# linking, claims


def test_linking_accuracy_counts_only_found_mentions(gold):
    documents = {}
    changed = 0
    for a in gold:
        mentions = [dict(m) for m in a.data["entities"]]
        linked = [m for m in mentions if m["entity"]]
        linked[0]["entity"] = "a_wrong_key"  # found, wrongly linked
        mentions.remove(linked[1])  # not found: not counted by accuracy
        changed += 1
        documents[a.id] = prediction_document(a, entities=mentions)
    m = evaluate("linking", gold, predicted(documents, gold)).metrics
    gold_linked = sum(1 for a in gold for x in a.data["entities"] if x["entity"])
    assert m["found"] == gold_linked - changed
    assert m["accuracy"] == pytest.approx((gold_linked - 2 * changed) / (gold_linked - changed))
    assert m["recall"] == pytest.approx((gold_linked - 2 * changed) / gold_linked)


@pytest.mark.parametrize("name", SYSTEMS)
def test_claim_attributes_equal_scikit_learn(gold, name):
    from sklearn.metrics import accuracy_score, f1_score

    predictions = system(name, gold)
    m = evaluate("claims", gold, predictions).metrics
    truth: dict[str, list[str]] = {"attribution": [], "certainty": [], "claimer": []}
    guess: dict[str, list[str]] = {"attribution": [], "certainty": [], "claimer": []}
    n_pred = n_gold = 0
    for a in gold:
        g, p = a.data["claims"], predictions[a.id].data["claims"]
        n_pred, n_gold = n_pred + len(p), n_gold + len(g)
        for i, j in match_claims(g, p, words_of="text"):
            for field in truth:
                truth[field].append(g[i][field])
                guess[field].append(p[j][field])
    matched = len(truth["attribution"])
    assert (m["matched"], m["predicted"], m["gold"]) == (matched, n_pred, n_gold)
    assert m["f1"] == pytest.approx(2 * matched / (n_pred + n_gold))
    if not matched:
        assert m["attribution_accuracy"] is None and m["claimer_accuracy"] is None
        return
    for field in ("attribution", "certainty"):
        labels = sorted(set(truth[field]) | set(guess[field]))
        assert m[f"{field}_accuracy"] == pytest.approx(accuracy_score(truth[field], guess[field]), abs=1e-12)
        assert m[f"{field}_macro_f1"] == pytest.approx(
            f1_score(truth[field], guess[field], labels=labels, average="macro", zero_division=0), abs=1e-12
        )
    assert m["claimer_accuracy"] == pytest.approx(accuracy_score(truth["claimer"], guess["claimer"]))


# ---------------------------------------------------------------------------------------------
# propositions: the closed forms against the definitions, claim by claim


def brute_force_propositions(
    gold: list[Article], predictions: dict[str, Article], multiplicity: dict[str, int] | None = None
) -> dict[str, float]:
    """Pairwise and B-cubed written out over explicit items; an article drawn m times gives m copies whose
    claims do not pair with the other copies' claims."""
    gold_label, pred_label, article_of = {}, {}, {}
    for a in gold:
        g, p = a.data["claims"], predictions[a.id].data["claims"]
        match = dict((j, i) for i, j in match_claims(g, p, words_of="text"))
        for copy in range((multiplicity or {}).get(a.id, 1)):
            for i, c in enumerate(g):
                gold_label[(a.id, copy, "g", i)] = c["proposition"]
                article_of[(a.id, copy, "g", i)] = a.id
            for j, c in enumerate(p):
                item = (a.id, copy, "g", match[j]) if j in match else (a.id, copy, "p", j)
                pred_label[item] = c["proposition"]
                article_of[item] = a.id

    def related(x, y):  # copies of one article never meet
        return not (x[0] == y[0] and x[1] != y[1])

    def pairs(labels, cross=False):
        return {
            frozenset((x, y))
            for x, y in itertools.combinations(labels, 2)
            if labels[x] == labels[y] and related(x, y) and (not cross or x[0] != y[0])
        }

    def prf(correct, n_pred, n_gold):
        p = correct / n_pred if n_pred else 0.0
        r = correct / n_gold if n_gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    result = {}
    for prefix, cross in (("pairwise", False), ("cross_document_pairwise", True)):
        gp, pp = pairs(gold_label, cross), pairs(pred_label, cross)
        figures = prf(len(gp & pp), len(pp), len(gp))
        result.update(zip((f"{prefix}_precision", f"{prefix}_recall", f"{prefix}_f1"), figures))

    def share(item, own, other):
        cluster = [y for y in own if own[y] == own[item] and related(item, y)]
        if item not in other:
            return 0.0
        return sum(1 for y in cluster if y in other and other[y] == other[item]) / len(cluster)

    bp = sum(share(x, pred_label, gold_label) for x in pred_label) / len(pred_label) if pred_label else 0.0
    br = sum(share(x, gold_label, pred_label) for x in gold_label) / len(gold_label) if gold_label else 0.0
    result.update(bcubed_precision=bp, bcubed_recall=br, bcubed_f1=2 * bp * br / (bp + br) if bp + br else 0.0)
    return result


@pytest.mark.parametrize("name", SYSTEMS)
def test_propositions_equal_their_definitions(gold, name):
    predictions = system(name, gold)
    metrics = evaluate("propositions", gold, predictions).metrics
    for key, value in brute_force_propositions(gold, predictions).items():
        assert metrics[key] == pytest.approx(value, abs=1e-12), key


@pytest.mark.parametrize(
    "multiplicity",
    [
        {"north-korea-hacks-sony-pictures": 2},
        {"north-korea-hacks-sony-pictures": 3, "sony-pictures-hack-guardians-of-peace": 2},
    ],
)
def test_propositions_of_a_bootstrap_resample_equal_their_definitions(gold, multiplicity):
    predictions = perturbed(gold, 11)
    weighted = [(propositions_stats(a, predictions[a.id]), multiplicity.get(a.id, 1)) for a in gold]
    metrics = propositions_score(weighted)
    for key, value in brute_force_propositions(gold, predictions, multiplicity).items():
        assert metrics[key] == pytest.approx(value, abs=1e-12), key


def test_pairwise_figures_equal_scikit_learn_pair_confusion(gold):
    from sklearn.metrics.cluster import pair_confusion_matrix

    rng = random.Random(3)
    documents = {}
    truth, guess = [], []
    for a in gold:  # the gold claims, clustered at random: every claim matched
        claims = [{**c, "proposition": f"cluster_{rng.randrange(12)}"} for c in a.data["claims"]]
        documents[a.id] = prediction_document(a, claims=claims)
        truth += [c["proposition"] for c in a.data["claims"]]
        guess += [c["proposition"] for c in claims]
    m = evaluate("propositions", gold, predicted(documents, gold)).metrics
    (_, pred_only), (gold_only, both) = pair_confusion_matrix(truth, guess)
    assert m["pairwise_precision"] == pytest.approx(both / (both + pred_only))
    assert m["pairwise_recall"] == pytest.approx(both / (both + gold_only))


# ---------------------------------------------------------------------------------------------
# per article, bootstrap


def test_per_article_scores_are_each_article_alone(gold):
    predictions = perturbed(gold, 5)
    result = evaluate("ner", gold, predictions)
    for a in gold:
        alone = evaluate("ner", [a], {a.id: predictions[a.id]})
        assert result.per_article[a.id] == alone.headline
    assert evaluate("propositions", gold, predictions).per_article is None


def test_no_confidence_interval_below_the_minimum(gold):
    few = gold[: MIN_ARTICLES_FOR_CI - 1]
    result = evaluate("claims", few, perturbed(gold, 1))
    assert result.confidence["intervals"] is None
    assert _articles(len(few)) in result.confidence["reason"]
    assert str(MIN_ARTICLES_FOR_CI) in result.confidence["reason"]


def test_bootstrap_is_seeded_and_brackets_the_estimate(gold):
    predictions = perturbed(gold, 2)
    two = gold[:2]
    result = evaluate("ner", two, predictions, min_articles=2, resamples=200, seed=7)
    again = evaluate("ner", two, predictions, min_articles=2, resamples=200, seed=7)
    assert result.confidence["intervals"] == again.confidence["intervals"]
    low, high = result.confidence["intervals"]["f1"]
    per_article = sorted(v["f1"] for v in result.per_article.values())
    # with two articles every resample is one of three mixtures: the interval spans the articles' scores
    assert low == pytest.approx(per_article[0]) and high == pytest.approx(per_article[-1])


def test_bootstrap_over_many_articles():
    rng = random.Random(0)
    stats = [
        {
            "labels": {"ORG": [rng.randrange(10), 10, 10]},
            "views": {v: Counter() for v in ("strict", "exact", "partial", "ent_type")},
        }
        for _ in range(30)
    ]
    for s in stats:
        for v in s["views"].values():
            v.update(correct=0, incorrect=0, partial=0, missed=0, spurious=0)
    point = ner_score([(s, 1) for s in stats])["f1"]
    first = bootstrap(stats, ner_score, ["f1"], resamples=500, seed=1)["f1"]
    assert first == bootstrap(stats, ner_score, ["f1"], resamples=500, seed=1)["f1"]
    assert first != bootstrap(stats, ner_score, ["f1"], resamples=500, seed=2)["f1"]
    assert first[0] < point < first[1] and first[1] - first[0] < 0.3


# ---------------------------------------------------------------------------------------------
# The command


def write_folder(folder: Path, documents: dict[str, dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for article_id, doc in documents.items():
        (folder / f"{article_id}.json").write_text(json.dumps(doc, indent=2, ensure_ascii=False), encoding="utf-8")
    return folder


@pytest.mark.parametrize("task", TASKS)
def test_gold_as_predictions_scores_one_through_the_cli(tmp_path, gold, task):
    jsonl = tmp_path / "gold.jsonl"
    write_jsonl([a.data for a in gold], jsonl)
    for source in (ROOT / "annotations", jsonl):  # a copy of annotations/ is a prediction folder
        out = tmp_path / f"{task}.json"
        run = run_cli("evaluate", "--task", task, "--predictions", source, "--output", out)
        assert run.returncode == 0, run.output
        result = json.loads(out.read_text(encoding="utf-8"))
        assert set(result["headline"]) == set(TASK_SPECS[task].headline)
        assert all(value == 1.0 for value in result["headline"].values()), result["headline"]
        if len(gold) < MIN_ARTICLES_FOR_CI:
            assert f"not computed ({_articles(len(gold))}" in run.stdout
        else:
            assert result["confidence"]["intervals"], result["confidence"]


@pytest.mark.parametrize("task", TASKS)
def test_empty_predictions_score_zero_through_the_cli(tmp_path, gold, task):
    folder = write_folder(tmp_path / "empty", {a.id: prediction_document(a) for a in gold})
    out = tmp_path / "metrics.json"
    run = run_cli("evaluate", "--task", task, "--predictions", folder, "--output", out)
    assert run.returncode == 0, run.output
    headline = json.loads(out.read_text(encoding="utf-8"))["headline"]
    on_matches = ("accuracy", "attribution_", "certainty_", "claimer_")  # figures about what was matched
    scores = {k: v for k, v in headline.items() if not k.startswith(on_matches)}
    assert scores and all(v == 0.0 for v in scores.values()), headline
    # nothing was matched, so nothing can be right or wrong about the matches: undefined, not 0 or 1
    assert all(v is None for k, v in headline.items() if k not in scores)


def _broken(tmp_path: Path, gold: list[Article], change) -> Path:
    # the article the change is made to comes first (the changes below name the first document)
    documents = {a.id: json.loads(json.dumps(a.data)) for a in sorted(gold, key=lambda a: a.id != _first(gold))}
    change(documents)
    return write_folder(tmp_path / "predictions", documents)


def _first(gold: list[Article]) -> str:
    """An article of the test split with the mentions (two) and claims (three) the changes below need."""
    return next(a.id for a in gold if len(a.data["entities"]) >= 2 and len(a.data["claims"]) >= 3)


@pytest.mark.parametrize(
    "change, code, pointer",
    [
        (lambda d: d[next(iter(d))]["entities"][0].update(label="PERSONA"), "schema-enum", "/entities/0/label"),
        (
            lambda d: d[next(iter(d))]["entities"][1].update(start=d[next(iter(d))]["entities"][1]["start"] + 1),
            "span-text-mismatch",
            "/entities/1/text",
        ),
        (lambda d: d[next(iter(d))]["claims"][2].pop("certainty"), "schema-required", "/claims/2"),
        (lambda d: d[next(iter(d))].update(text_sha256="0" * 64), "text-hash-mismatch", "/text_sha256"),
    ],
)
def test_a_malformed_prediction_is_a_located_error(tmp_path, gold, change, code, pointer):
    folder = _broken(tmp_path, gold, change)
    run = run_cli("evaluate", "--task", "ner", "--predictions", folder)
    assert run.returncode == 1, run.output
    assert "nothing was scored" in run.stderr
    lines = [line for line in run.stdout.splitlines() if f": {code}: " in line]
    assert lines, run.output
    file = str(folder / f"{_first(gold)}.json")
    assert lines[0].startswith(f"{file}:") and lines[0].endswith(f" at {pointer}"), lines[0]
    line_number = int(lines[0][len(file) + 1 :].split(":")[0])
    text = (folder / f"{_first(gold)}.json").read_text(encoding="utf-8").splitlines()
    assert 1 <= line_number <= len(text)


def test_jsonl_errors_name_the_line(tmp_path, gold):
    documents = [json.loads(json.dumps(a.data)) for a in gold]
    wrong = next(n for n, d in enumerate(documents) if n > 0 and d["claims"])  # not the first line: a line number
    documents[wrong]["claims"][0]["attribution"] = "rumoured"
    path = tmp_path / "predictions.jsonl"
    write_jsonl(documents, path)
    broken, again = len(documents) + 1, len(documents) + 2
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(f'{{"id": "{gold[0].id}", \n')  # broken JSON
        fh.write(json.dumps(documents[0]) + "\n")  # a second prediction of one article
    run = run_cli("evaluate", "--task", "claims", "--predictions", path)
    assert run.returncode == 1, run.output
    out = run.stdout
    assert f"{path}:{wrong + 1}: schema-enum: " in out and "at /claims/0/attribution" in out
    assert f"{path}:{broken}: json-syntax: invalid JSON at line {broken}, column" in out
    assert f"{path}:{again}: duplicate-id: " in out


def test_missing_unknown_and_misnamed_predictions(tmp_path, gold):
    documents = {a.id: prediction_document(a) for a in gold[1:]}  # the first article has no prediction
    folder = write_folder(tmp_path / "predictions", documents)
    extra = prediction_document(gold[1])
    extra["id"] = "no-such-article"
    (folder / "no-such-article.json").write_text(json.dumps(extra), encoding="utf-8")
    (folder / "Bad Name.json").write_text("{}", encoding="utf-8")
    run = run_cli("evaluate", "--task", "ner", "--predictions", folder)
    assert run.returncode == 1, run.output
    assert f"{folder}: missing-annotation: has no prediction for gold article {gold[0].id!r}" in run.stdout
    assert f"{folder / 'no-such-article.json'}: missing-text: " in run.stdout
    assert f"{folder / 'Bad Name.json'}: invalid-file-name: " in run.stdout


def test_a_decisions_file_in_a_prediction_folder_is_not_a_prediction(tmp_path, gold):
    folder = write_folder(tmp_path / "predictions", {a.id: prediction_document(a) for a in gold})
    (folder / "adjudication.json").write_text(json.dumps({"passes": ["x", "y"], "decisions": []}), encoding="utf-8")
    run = run_cli("evaluate", "--task", "ner", "--predictions", folder)
    assert run.returncode == 0, run.output
    assert "adjudication" not in run.stdout


def test_registry_checks_do_not_apply_to_predictions(tmp_path, gold):
    documents = {}
    for a in gold:
        mentions = [dict(m, entity="invented_key" if m["entity"] else None) for m in a.data["entities"]]
        mentions[0]["entity"] = None  # a named mention left unlinked
        claims = [
            dict(c, claimer="invented_source", about=["invented_key"], proposition="invented_p")
            for c in a.data["claims"]
        ]
        documents[a.id] = prediction_document(a, entities=mentions, claims=claims)
    out = tmp_path / "metrics.json"
    run = run_cli(
        "evaluate", "--task", "linking", "--predictions", write_folder(tmp_path / "p", documents), "--output", out
    )
    assert run.returncode == 0, run.output
    assert json.loads(out.read_text())["headline"]["accuracy"] == 0.0


def test_usage_errors(tmp_path):
    assert run_cli("evaluate", "--task", "ner", "--predictions", tmp_path / "nothing-here").returncode == 2
    assert run_cli("evaluate", "--task", "sentiment", "--predictions", tmp_path).returncode == 2
    assert run_cli("evaluate", "--predictions", tmp_path).returncode == 2


def test_a_folder_that_is_not_a_built_dataset_is_a_clear_error(tmp_path):
    run = run_cli("evaluate", "--task", "ner", "--predictions", ROOT / "annotations", "--gold", tmp_path, cwd=tmp_path)
    assert run.returncode == 2, run.output  # not a built dataset: a usage error, as in `summary`
    assert "is not a built dataset" in run.stderr


def test_a_single_json_file_predicts_one_article(tmp_path, gold):
    path = tmp_path / "one.json"
    path.write_text(json.dumps(gold[0].data, indent=2), encoding="utf-8")
    run = run_cli("evaluate", "--task", "claims", "--predictions", path)
    assert run.returncode == 1, run.output
    issues = [line for line in run.stdout.splitlines() if line.startswith(str(path))]
    assert issues == [
        f"{path}: missing-annotation: has no prediction for gold article {a.id!r}; a system "
        f"that finds nothing there still writes one (with empty entities and claims)"
        for a in gold[1:]
    ]


def test_labels_are_checked_against_the_gold_layout(gold):
    article = next(a for a in gold if any(s["kind"] == "boilerplate" for s in a.data["segments"]))
    boilerplate = next(s for s in article.data["segments"] if s["kind"] == "boilerplate")
    start, end = tokenize(article.text, boilerplate["start"], boilerplate["end"])[0]
    document = prediction_document(article, entities=[{"start": start, "end": end, "label": "ORG"}])
    document["segments"] = [{"start": 0, "end": len(article.text.rstrip()), "kind": "body"}]  # all "body"
    others = {a.id: prediction_document(a) for a in gold if a is not article}
    checked = check_predictions({article.id: document, **others}, gold)
    # a system's error, scored (a false positive) and listed, not a refusal
    assert checked.ok and article.id in checked.articles
    assert [(i.code, i.pointer) for i in checked.flagged] == [("label-in-boilerplate", "/entities/0")]


def test_the_report_shows_a_figure_on_too_few_minority_items_as_not_informative():
    """A made-up result: 3 positive pairs within articles (too few), 12 across them (enough). The text shows
    the first as not informative, with no interval, and the second as a number; the JSON keeps both."""
    from cyberclaims.benchmark.report import Result
    from cyberclaims.core.sampling import MIN_MINORITY_ITEMS

    assert 3 < MIN_MINORITY_ITEMS <= 12
    metrics = {
        **{f"{k}_{m}": 0.5 for k in ("pairwise", "bcubed") for m in ("precision", "recall", "f1")},
        **{f"cross_document_pairwise_{m}": 0.75 for m in ("precision", "recall", "f1")},
        **dict(gold_claims=9, predicted_claims=9, matched_claims=9, gold_clusters=6, predicted_clusters=6),
        **dict(gold_pairs=2, predicted_pairs=2, correct_pairs=1),
        **dict(gold_cross_document_pairs=8, predicted_cross_document_pairs=8, correct_cross_document_pairs=4),
    }
    intervals = {"pairwise_f1": [0.25, 0.75], "cross_document_pairwise_f1": [0.5, 0.875]}
    confidence = {"method": "percentile bootstrap over articles", "resamples": 10, "seed": 0, "intervals": intervals}
    result = Result("events", [f"a{n}" for n in range(12)], metrics, None, confidence)
    text = result.to_text()
    rows = {line.split("  ")[0]: line for line in text.splitlines()}
    assert rows["pairwise"].count("not informative (n=3)") == 3 and "0.500" not in rows["pairwise"]
    assert rows["pairwise, cross-document"].count("0.750") == 3
    assert "headline: pairwise_f1 = not informative (n=3)" in text
    interval_rows = [line for line in text.splitlines() if line.startswith(("pairwise_f1", "cross_document"))]
    assert "not shown" in interval_rows[0] and "[0.500, 0.875]" in interval_rows[1], interval_rows
    assert result.to_dict()["metrics"]["pairwise_f1"] == 0.5
    assert result.to_dict()["support"]["pairwise_f1"] == 3
    assert result.to_dict()["support"]["cross_document_pairwise_f1"] == 12


@pytest.mark.parametrize("task", TASKS)
def test_the_text_of_evaluate_follows_the_support_its_json_gives(tmp_path, gold, task):
    """On the corpus: each figure the JSON says rests on too few minority items is printed as not informative,
    whatever the data is."""
    from cyberclaims.core.sampling import informative, not_informative

    out = tmp_path / "metrics.json"
    run = run_cli("evaluate", "--task", task, "--predictions", ROOT / "annotations", "--output", out)
    assert run.returncode == 0, run.output
    result = json.loads(out.read_text(encoding="utf-8"))
    primary = result["primary"]["metric"]
    n = result["support"][primary]
    shown = f"{result['primary']['value']:.3f}" if informative(n) else not_informative(n)
    assert f"headline: {primary} = {shown}" in run.stdout
    for figure, count in result["support"].items():
        if not informative(count):
            assert not_informative(count) in run.stdout, figure
