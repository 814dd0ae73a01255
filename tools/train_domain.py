"""Train the article-domain classifier and write ``streams/knowledge/data/domain_model.jsonl``.

Multinomial logistic regression over the features of :func:`streams.core.domain.features`
(distinct words and word pairs of the title and the lead), trained with AdaGrad and an L2
penalty, in pure Python (no third-party library; the runtime only reads the weights).

Data: the ``train`` split of ``tests/data/devnews.jsonl`` (articles and hard-negative
sentences, which carry the domain of their parent article). The ``dev`` split is never read
for training or for choosing settings: the L2 strength is chosen by 5-fold cross-validation
on the train split. After training the script prints per-domain precision, recall and F1 and
the accuracy on the dev split.

Usage::

    python tools/train_domain.py                 # train, write the model, print dev table
    python tools/train_domain.py --check         # only score the shipped model on dev
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streams.core.domain import DOMAINS, DomainModel, features  # noqa: E402

DATA = ROOT / "tests" / "data" / "devnews.jsonl"
OUT = ROOT / "streams" / "knowledge" / "data" / "domain_model.jsonl"
MAX_CHARS = 1000
MIN_DF = 2
EPOCHS = 25
RATE = 0.5
L2_GRID = (1e-4, 1e-3, 3e-3, 1e-2)
PRUNE = 0.05  # weights whose largest magnitude is below this are dropped

Example = tuple[list[str], int]


def load(path: Path, split: str) -> list[dict[str, object]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [r for r in rows if r["split"] == split]


def examples(records: Sequence[dict[str, object]]) -> list[Example]:
    out = []
    for r in records:
        labels = r["labels"]
        assert isinstance(labels, dict)
        feats = features(str(r["text"]), str(r.get("title") or ""), MAX_CHARS)
        out.append((feats, DOMAINS.index(str(labels["domain"]))))
    return out


def train(
    data: Sequence[Example], l2: float, seed: int = 13
) -> tuple[list[float], dict[str, list[float]]]:
    """AdaGrad on the softmax loss; returns bias and weights per feature."""
    k = len(DOMAINS)
    df: Counter[str] = Counter(f for feats, _ in data for f in feats)
    vocab = {f for f, n in df.items() if n >= MIN_DF}
    weights: dict[str, list[float]] = {f: [0.0] * k for f in vocab}
    grad2: dict[str, list[float]] = {f: [1e-8] * k for f in vocab}
    bias = [0.0] * k
    bias2 = [1e-8] * k
    order = list(range(len(data)))
    rng = random.Random(seed)
    for _ in range(EPOCHS):
        rng.shuffle(order)
        for i in order:
            feats, gold = data[i]
            active = [f for f in feats if f in weights]
            logits = [bias[c] + sum(weights[f][c] for f in active) for c in range(k)]
            top = max(logits)
            exps = [math.exp(x - top) for x in logits]
            total = sum(exps)
            for c in range(k):
                g = exps[c] / total - (1.0 if c == gold else 0.0)
                bias2[c] += g * g
                bias[c] -= RATE * g / math.sqrt(bias2[c])
                if -1e-4 < g < 1e-4:
                    continue  # a confident class: its feature updates would be negligible
                for f in active:
                    w = weights[f]
                    gf = g + l2 * w[c]
                    acc = grad2[f]
                    acc[c] += gf * gf
                    w[c] -= RATE * gf / math.sqrt(acc[c])
    return bias, weights


def to_model(bias: list[float], weights: dict[str, list[float]], version: str = "") -> DomainModel:
    rows: list[dict[str, object]] = [
        {"kind": "header", "classes": list(DOMAINS), "bias": bias, "max_chars": MAX_CHARS,
         "version": version}
    ]
    rows += [{"f": f, "w": w} for f, w in weights.items()]
    return DomainModel.from_rows(rows)


def predict(model: DomainModel, data: Sequence[Example]) -> list[int]:
    out = []
    for feats, _ in data:
        logits = model.logits(feats)
        out.append(max(range(len(logits)), key=logits.__getitem__))
    return out


def accuracy(gold: Sequence[int], pred: Sequence[int]) -> float:
    return sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold) if gold else 0.0


def cross_validate(data: Sequence[Example], l2: float, folds: int = 5) -> float:
    index = list(range(len(data)))
    random.Random(7).shuffle(index)
    correct = 0
    for fold in range(folds):
        held = set(index[fold::folds])
        bias, weights = train([data[i] for i in index if i not in held], l2)
        model = to_model(bias, weights)
        part = [data[i] for i in sorted(held)]
        correct += sum(g == p for (_, g), p in zip(part, predict(model, part), strict=True))
    return correct / len(data)


def table(model: DomainModel, data: Sequence[Example], title: str) -> str:
    gold = [g for _, g in data]
    pred = predict(model, data)
    lines = [title, f"  {'domain':<20}{'n':>6}{'precision':>11}{'recall':>9}{'F1':>7}"]
    f1s = []
    for c, name in enumerate(DOMAINS):
        tp = sum(g == c and p == c for g, p in zip(gold, pred, strict=True))
        fp = sum(g != c and p == c for g, p in zip(gold, pred, strict=True))
        fn = sum(g == c and p != c for g, p in zip(gold, pred, strict=True))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        if tp + fn:
            f1s.append(f1)
        lines.append(f"  {name:<20}{tp + fn:>6}{prec:>11.3f}{rec:>9.3f}{f1:>7.3f}")
    lines.append(f"  accuracy {accuracy(gold, pred):.3f}   macro-F1 {sum(f1s) / len(f1s):.3f}"
                 f"   (n={len(gold)})")
    return "\n".join(lines)


def write(
    path: Path, bias: list[float], weights: dict[str, list[float]], meta: dict[str, object]
) -> str:
    kept = {f: [round(x, 3) for x in w] for f, w in sorted(weights.items())
            if max(abs(x) for x in w) >= PRUNE}
    body = "".join(json.dumps({"f": f, "w": w}, ensure_ascii=False) + "\n" for f, w in kept.items())
    version = hashlib.sha256(body.encode()).hexdigest()[:16]
    header = {"kind": "header", "classes": list(DOMAINS), "bias": [round(b, 4) for b in bias],
              "max_chars": MAX_CHARS, "version": version, **meta}
    path.write_text("# Article-domain model; written by tools/train_domain.py (see SOURCES.md)\n"
                    + json.dumps(header) + "\n" + body, encoding="utf-8")
    return version


def read_model(path: Path) -> DomainModel:
    rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()
            if x.strip() and not x.startswith("#")]
    return DomainModel.from_rows(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--check", action="store_true", help="score the shipped model only")
    args = parser.parse_args(argv)
    dev_records = load(args.data, "dev")
    dev_articles = examples([r for r in dev_records if not r["labels"].get("hard_negative")])  # type: ignore[union-attr]
    dev_sentences = examples([r for r in dev_records if r["labels"].get("hard_negative")])  # type: ignore[union-attr]
    if not args.check:
        train_data = examples(load(args.data, "train"))
        scores = {l2: cross_validate(train_data, l2) for l2 in L2_GRID}
        for l2, acc in scores.items():
            print(f"5-fold CV on train, l2={l2:g}: accuracy {acc:.3f}")
        best = max(L2_GRID, key=lambda l2: (scores[l2], -l2))
        bias, weights = train(train_data, best)
        meta = {"trained_on": "tests/data/devnews.jsonl split=train", "examples": len(train_data),
                "l2": best, "epochs": EPOCHS, "min_df": MIN_DF}
        version = write(args.out, bias, weights, meta)
        print(f"wrote {args.out} (version {version}, l2={best:g})")
    model = read_model(args.out)
    print(f"model: {len(model.weights)} features, version {model.version}")
    print(table(model, dev_articles, "dev split, articles and news items"))
    print(table(model, dev_sentences, "dev split, hard-negative sentences"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
