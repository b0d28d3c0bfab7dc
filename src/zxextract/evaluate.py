"""Score predicted Article records against the gold files, as SCHEMA.md's Scoring section defines.

Per source document and per type, the keys of the prediction's articles
(their union) are compared with the keys of the gold's articles; true
positives, false positives and false negatives are summed over documents and
give micro precision, recall and F1.

Choices where SCHEMA.md is silent (docs/evaluate.md explains them):

* Officials, bylines, districts, brands and documents are sets per document;
  quantities, dates and articles are multisets (an article predicted twice
  is a segmentation error and must cost a false positive).
* Quotes and dots are normalized for brands and article titles only, on both
  sides: ``“”"「」＂`` → ``"``, ``‘’'『』＇`` → ``'``, ``•・‧∙･`` → ``·``.
* A ratio whose denominator is zero is 1.0 when tp = fp = fn = 0 (nothing to
  find, nothing wrongly found) and 0.0 otherwise.
* A gold document with no predicted article scores as an empty prediction;
  predictions for a document without gold are ignored with a warning.
"""

from __future__ import annotations

import json
import warnings
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .records import Article, Brand, Credit, Date, District, Document, Official, Quantity

if TYPE_CHECKING:
    from .extractor import Extractor

Key = Hashable

_QUOTES = str.maketrans({**dict.fromkeys("“”\"「」＂", '"'), **dict.fromkeys("‘’'『』＇", "'"), **dict.fromkeys("•・‧∙･", "·")})
_SCORED_LEVELS = frozenset({"county", "zone"})


def _no_space(text: str) -> str:
    return "".join(text.split())


def _canonical(text: str) -> str:
    """Whitespace removed and quote/dot variants unified, so ASCII and curly quotes compare equal."""
    return _no_space(text).translate(_QUOTES)


def _sig6(value: float | None) -> float | None:
    """The value rounded to 6 significant digits (``+ 0.0`` turns -0.0 into 0.0)."""
    return None if value is None else float(f"{value:.6g}") + 0.0


def _district_key(district: District) -> str:
    return district.code or f"zone:{district.name}"


@dataclass(frozen=True)
class _Type:
    """How one type's keys are read from an article, and whether repeats count."""

    keys: Callable[[Article], Iterable[Key]]
    multiset: bool


_TYPES: dict[str, _Type] = {
    "districts": _Type(lambda a: (_district_key(d) for d in a.districts if d.level in _SCORED_LEVELS), multiset=False),
    "officials": _Type(lambda a: ((o.name, o.role) for o in a.officials), multiset=False),
    "officials_strict": _Type(lambda a: ((o.name, o.role, o.org) for o in a.officials), multiset=False),
    "brands": _Type(lambda a: (_canonical(b.name) for b in a.brands), multiset=False),
    "quantities": _Type(lambda a: ((_sig6(q.value), _sig6(q.value_max), q.unit) for q in a.quantities), multiset=True),
    "dates": _Type(lambda a: ((d.year, d.month, d.day) for d in a.dates), multiset=True),
    "documents": _Type(lambda a: (_no_space(d.title) for d in a.documents), multiset=False),
    "bylines": _Type(lambda a: ((c.name, c.role) for c in a.bylines), multiset=False),
    "articles": _Type(lambda a: [title for title in [_canonical(a.title or "")] if title], multiset=True),
}

TYPES: tuple[str, ...] = tuple(_TYPES)


@dataclass(frozen=True)
class TypeScore:
    """Summed counts of one type; the ratios follow from them."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return _ratio(self.tp, self.tp + self.fp, self)

    @property
    def recall(self) -> float:
        return _ratio(self.tp, self.tp + self.fn, self)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: TypeScore) -> TypeScore:
        return TypeScore(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)


def _ratio(num: int, den: int, score: TypeScore) -> float:
    """num/den; an empty denominator is perfect only when the whole comparison is empty."""
    if den:
        return num / den
    return 1.0 if score.tp == score.fp == score.fn == 0 else 0.0


@dataclass(frozen=True)
class DocErrors:
    """Keys of one document and type that were predicted but not in gold, and in gold but not predicted."""

    false_positives: list[Key]
    false_negatives: list[Key]


@dataclass
class Scores:
    """Micro-averaged figures per type, and per type the errors of every scored document (gold order)."""

    types: dict[str, TypeScore]
    errors: dict[str, dict[str, DocErrors]]

    def __getitem__(self, type_: str) -> TypeScore:
        return self.types[type_]

    def as_dict(self) -> dict[str, dict[str, float | int]]:
        """Plain figures for JSON: type → precision, recall, f1, tp, fp, fn."""
        return {
            name: {"precision": s.precision, "recall": s.recall, "f1": s.f1, "tp": s.tp, "fp": s.fp, "fn": s.fn}
            for name, s in self.types.items()
        }


def _gold_article(doc_id: str, index: int, gold: dict) -> Article:
    """One gold article as an Article record (gold districts are county, or zone when their code is null)."""
    return Article(
        doc_id=doc_id,
        index=index,
        kind=gold["kind"],
        section=gold["section"],
        title=gold["title"],
        subtitle=gold["subtitle"],
        bylines=[Credit(name=c["name"], role=c["role"]) for c in gold["bylines"]],
        districts=[District(name=d["name"], code=d["code"], level="county" if d["code"] else "zone") for d in gold["districts"]],
        officials=[Official(name=o["name"], role=o["role"], org=o["org"]) for o in gold["officials"]],
        brands=[Brand(name=name) for name in gold["brands"]],
        quantities=[
            Quantity(value=q["value"], value_max=q["value_max"], unit=q["unit"], qualifier=q["qualifier"], text=q["text"])
            for q in gold["quantities"]
        ],
        dates=[Date(year=d["year"], month=d["month"], day=d["day"], text=d["text"]) for d in gold["dates"]],
        documents=[Document(title=title) for title in gold["documents"]],
    )


def _read_gold(gold_dir: Path) -> dict[str, tuple[str, list[Article]]]:
    """doc_id → (page file name, gold articles); gold ``X.txt.json`` names page ``X.txt``."""
    files = sorted(gold_dir.glob("*.json"))
    if not files:
        raise FileNotFoundError(f"no gold files (*.json) in {gold_dir}")
    gold = {}
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        articles = [_gold_article(data["doc_id"], i, a) for i, a in enumerate(data["articles"])]
        gold[data["doc_id"]] = (path.name.removesuffix(".json"), articles)
    return gold


def load_gold(gold_dir: str | Path) -> dict[str, list[Article]]:
    """doc_id → gold articles, for every ``*.json`` in the folder, in file-name order."""
    return {doc_id: articles for doc_id, (_, articles) in _read_gold(Path(gold_dir)).items()}


def read_predictions(path: str | Path) -> Iterator[Article]:
    """Articles from a JSON Lines file as ``zxextract extract`` writes it; blank lines are skipped."""
    with Path(path).open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if line.strip():
                try:
                    yield Article.from_dict(json.loads(line))
                except (ValueError, KeyError, TypeError) as err:
                    raise ValueError(f"{path}:{number}: not an Article record: {err}") from err


def _predict(pages: dict[str, str], pages_dir: Path, extractor: Extractor | None) -> Iterator[Article]:
    """Run the extractor on every page (doc_id → page file name), after checking that all exist."""
    paths = {doc_id: pages_dir / name for doc_id, name in pages.items()}
    missing = [str(path) for path in paths.values() if not path.is_file()]
    if missing:
        raise FileNotFoundError(f"page file(s) named by the gold not found: {', '.join(missing)}")
    if extractor is None:
        from .extractor import load  # spaCy loads only when pages are to be parsed

        extractor = load()
    texts = ((doc_id, path.read_text(encoding="utf-8")) for doc_id, path in paths.items())
    for _, articles in extractor.pipe_pages(texts):
        yield from articles


def _group(predictions: Iterable[Article], gold: dict[str, list[Article]]) -> dict[str, list[Article]]:
    """Predicted articles per gold document; documents without gold are dropped with a warning."""
    grouped: dict[str, list[Article]] = {doc_id: [] for doc_id in gold}
    stray: set[str] = set()
    for article in predictions:
        if article.doc_id in grouped:
            grouped[article.doc_id].append(article)
        else:
            stray.add(article.doc_id)
    if stray:
        warnings.warn(f"ignored predictions for {len(stray)} document(s) without gold: {', '.join(sorted(stray))}", stacklevel=3)
    return grouped


def _keys(type_: _Type, articles: list[Article]) -> Counter[Key]:
    """The union of the articles' keys: counted for a multiset, once each for a set."""
    keys = Counter(key for article in articles for key in type_.keys(article))
    return keys if type_.multiset else Counter(set(keys))


def score(gold: dict[str, list[Article]], predicted: dict[str, list[Article]]) -> Scores:
    """Compare predicted with gold articles, document by document (documents missing from ``predicted`` predict nothing)."""
    types = {name: TypeScore() for name in TYPES}
    errors: dict[str, dict[str, DocErrors]] = {name: {} for name in TYPES}
    for doc_id, gold_articles in gold.items():
        for name, type_ in _TYPES.items():
            want, got = _keys(type_, gold_articles), _keys(type_, predicted.get(doc_id, []))
            false_pos, false_neg = got - want, want - got
            types[name] += TypeScore((want & got).total(), false_pos.total(), false_neg.total())
            errors[name][doc_id] = DocErrors(_sorted(false_pos.elements()), _sorted(false_neg.elements()))
    return Scores(types, errors)


def _sorted(keys: Iterable[Key]) -> list[Key]:
    """Keys in natural order (numbers numerically), None parts first."""
    def order(key: Key) -> tuple:
        parts = key if isinstance(key, tuple) else (key,)
        return tuple((part is not None, part if part is not None else 0) for part in parts)
    return sorted(keys, key=order)


def evaluate(
    gold_dir: str | Path,
    *,
    pages_dir: str | Path | None = None,
    predictions: str | Path | Iterable[Article] | None = None,
    extractor: Extractor | None = None,
) -> Scores:
    """Score predictions (a JSONL path or Article records) or, without them, the extractor run on the gold's pages.

    Pages are looked up in ``pages_dir``, or next to the gold files.
    """
    gold_dir = Path(gold_dir)
    if predictions is not None and extractor is not None:
        raise ValueError("pass predictions or an extractor, not both")
    gold = _read_gold(gold_dir)
    if predictions is None:
        pages = {doc_id: page for doc_id, (page, _) in gold.items()}
        predictions = _predict(pages, Path(pages_dir) if pages_dir is not None else gold_dir, extractor)
    elif isinstance(predictions, (str, Path)):
        predictions = read_predictions(predictions)
    gold_articles = {doc_id: articles for doc_id, (_, articles) in gold.items()}
    return score(gold_articles, _group(predictions, gold_articles))


def _show(key: Key) -> str:
    """A key as one readable line: tuple parts joined by ', ', None as '-', floats without a needless '.0'."""
    parts = key if isinstance(key, tuple) else (key,)
    return ", ".join("-" if p is None else format(p, ".12g") if isinstance(p, float) else str(p) for p in parts)


def format_table(scores: Scores) -> str:
    """A fixed-width table: type, P, R, F1, tp, fp, fn, one row per type."""
    rows = [f"{'type':<18}{'P':>7}{'R':>7}{'F1':>7}{'tp':>7}{'fp':>7}{'fn':>7}"]
    for name, s in scores.types.items():
        rows.append(f"{name:<18}{s.precision:>7.3f}{s.recall:>7.3f}{s.f1:>7.3f}{s.tp:>7}{s.fp:>7}{s.fn:>7}")
    return "\n".join(rows)


def format_errors(scores: Scores, type_: str) -> str:
    """Per document with errors, its false positives (``FP``) then false negatives (``FN``) of one type."""
    if type_ not in scores.errors:
        raise ValueError(f"unknown type {type_!r}; one of: {', '.join(scores.errors)}")
    blocks = []
    for doc_id, errs in scores.errors[type_].items():
        if errs.false_positives or errs.false_negatives:
            lines = [doc_id]
            lines += [f"  FP  {_show(key)}" for key in errs.false_positives]
            lines += [f"  FN  {_show(key)}" for key in errs.false_negatives]
            blocks.append("\n".join(lines))
    return "\n".join(blocks) if blocks else f"no {type_} errors"
