"""Score extracted prices against the gold `prices` lists of a dev corpus (GOLD_FORMAT.md).

    python benchmarks/prices_dev.py /work/shared/corpus/dev

A predicted price matches a gold one on item + value + currency + place (one-to-one); date and kind are
scored as accuracy over the matches. Development aid: `dnkdata evaluate` is the reference scorer.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from dnkdata.extract import extract_article
from dnkdata.parse import read_capture


def key(row: dict) -> tuple:
    return (row["item"], float(row["value"]), row["currency"], row["place"])


def predicted(raw: Path) -> list[dict]:
    records, _ = read_capture(raw.name, raw.read_bytes())
    rows = []
    for record in records:
        if hasattr(record, "body"):
            out = extract_article("0" * 16, record.body, is_excerpt=record.is_excerpt,
                                  published_date=record.published_date)
            rows += out["prices"]
    return rows


def score(corpus: Path) -> dict:
    tp = fp = fn = date_ok = kind_ok = 0
    for gold_path in sorted((corpus / "gold").glob("*.json")):
        gold = json.loads(gold_path.read_text())["prices"]
        pred = predicted(corpus / "raw" / f"{gold_path.stem}.txt")
        unmatched = list(pred)
        for g in gold:
            hit = next((p for p in unmatched if key(p) == key(g)), None)
            if hit is None:
                fn += 1
                print(f"{gold_path.stem} missed {key(g)}")
                continue
            unmatched.remove(hit)
            tp += 1
            date_ok += str(hit["observed_date"]) == str(g["date"]) if g["date"] else hit["observed_date"] is None
            kind_ok += hit["kind"] == g["kind"]
        for p in unmatched:
            fp += 1
            print(f"{gold_path.stem} extra {key(p)} {p['mention']!r}")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"gold": tp + fn, "predicted": tp + fp, "precision": round(precision, 3), "recall": round(recall, 3),
            "f1": round(f1, 3), "date_accuracy": round(date_ok / tp, 3) if tp else None,
            "kind_accuracy": round(kind_ok / tp, 3) if tp else None}


if __name__ == "__main__":
    print(json.dumps(score(Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/corpus/dev")), indent=2))
