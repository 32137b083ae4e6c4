"""Score extraction against hand-made gold annotations (`dnkdata evaluate`).

Each gold `<id>.json` (format: the corpus's GOLD_FORMAT.md) pairs with the raw capture `<id>.txt`. The capture is
read and extracted exactly as the pipeline would, and the rows are compared with the gold. Matching rules are in
docs/methodology-evaluation.md; every rule lives in one small function here so the two can be read side by side.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from functools import cache
from pathlib import Path
from typing import Any, Callable

from dnkdata import gazetteer
from dnkdata.errors import InputError
from dnkdata.extract import extract_article

FUZZY_MIN = 0.9  # difflib ratio for a quote whose text differs by a few characters (apostrophes, a cut word)
TRAILING_PUNCT = ",.;:”’\"'»"  # a quote's own closing comma/period is an annotation choice, not an error
GENERIC_WORDS = re.compile(r"\s+(?:special city|province|provinces|county|city|district|do|gun|si|guyok|dong|ri)$")
KAESONG_FAMILY = {"kaesong", "north hwanghae"}  # GOLD_FORMAT: Kaesong may stand alone or sit under North Hwanghae
MIN_LEAK_WORDS = 4  # shorter chrome lines ("Delhi") leak only as a whole body line, not as any substring

# ---------------------------------------------------------------------------------------------------------------
# Normalisation


def norm_ws(text: str | None) -> str:
    """All whitespace (newlines of hard-wrapped legacy captures included) collapsed to one space, stripped."""
    return re.sub(r"\s+", " ", text or "").strip()


def strip_trailing_punct(text: str) -> str:
    return norm_ws(text).rstrip(TRAILING_PUNCT).rstrip()


@cache
def _spelling_table(kind: str) -> dict[str, str]:
    """fold(spelling) → fold(canonical name) for North Korean places ("kp") or foreign places ("foreign").

    A spelling shared by places with different names maps to the place whose own name it is, else it is left out
    (and falls back to itself), so two different places are never merged by an ambiguous variant.
    """
    claims: dict[str, set[str]] = {}
    for place in gazetteer.places():
        if (place.country_code == "KP") != (kind == "kp"):
            continue
        for form in (place.name, *place.variants):
            claims.setdefault(gazetteer.fold(form), set()).add(gazetteer.fold(place.name))
    return {form: (form if form in names else next(iter(names)))
            for form, names in claims.items() if len(names) == 1 or form in names}


def place_key(name: str | None) -> str | None:
    """One key per North Korean place whatever its romanization ("Yanggang" and "Ryanggang" give one key)."""
    if not name:
        return None
    folded = gazetteer.fold(name)
    table = _spelling_table("kp")
    if folded not in table:
        folded = GENERIC_WORDS.sub("", folded)  # "Onchon county" → "onchon" when the name kept its generic word
    return table.get(folded, folded)


def foreign_key(name: str | None) -> str | None:
    if not name:
        return None
    folded = gazetteer.fold(name)
    return _spelling_table("foreign").get(folded, folded)


def any_place_key(name: str | None) -> str | None:
    """A speaker's place may be North Korean or foreign: try the North Korean spellings first."""
    if not name:
        return None
    folded = gazetteer.fold(name)
    if folded in _spelling_table("foreign") and folded not in _spelling_table("kp"):
        return foreign_key(name)
    return place_key(name)


@cache
def _person_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for person in gazetteer.people():
        for form in (person.name, *person.variants):
            table.setdefault(gazetteer.fold(form), gazetteer.fold(person.name))
    return table


def person_key(name: str | None) -> str | None:
    """Folded name, mapped through the officials register's variants ("Choe Ryong-hae" = "Choe Ryong Hae")."""
    if not name:
        return None
    folded = gazetteer.fold(name)
    return _person_table().get(folded, folded)


def role_key(role: str | None) -> str | None:
    return gazetteer.fold(role) if role else None


def province_key(name: str | None) -> str | None:
    key = place_key(name)
    return "kaesong|north hwanghae" if key in KAESONG_FAMILY else key


def level_key(level: str | None, name_key: str | None) -> str | None:
    if name_key == "kaesong" and level in {"special_city", "city"}:
        return "special_city"  # Kaesong is annotated either way
    return level


def find_spans(body: str, phrase: str | None) -> list[tuple[int, int]]:
    """Every place where phrase occurs in body with whitespace normalised (any run of spaces/newlines)."""
    words = norm_ws(phrase).split(" ")
    if not words or words == [""]:
        return []
    pattern = re.compile(r"\s+".join(re.escape(w) for w in words))
    spans = [m.span() for m in pattern.finditer(body)]
    if not spans:
        spans = [m.span() for m in re.compile(pattern.pattern, re.I).finditer(body)]
    return spans


# ---------------------------------------------------------------------------------------------------------------
# Counts


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: PRF) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    def as_dict(self) -> dict[str, Any]:
        """precision/recall are None when undefined (nothing predicted / nothing in gold)."""
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else None
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else None
        if p is None and r is None:
            f = None
        else:
            f = 2 * p * r / (p + r) if p and r else 0.0
        return {"precision": p, "recall": r, "f1": f, "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass
class Accuracy:
    correct: int = 0
    total: int = 0

    def add(self, other: Accuracy) -> None:
        self.correct, self.total = self.correct + other.correct, self.total + other.total

    def count(self, ok: bool) -> None:
        self.correct += int(ok)
        self.total += 1

    def as_dict(self) -> dict[str, Any]:
        return {"accuracy": self.correct / self.total if self.total else None,
                "correct": self.correct, "total": self.total}


def greedy_match(gold: list, pred: list, score: Callable[[Any, Any], float | None]) -> list[tuple[int, int]]:
    """One-to-one pairs (gold index, pred index), best score first; None means the pair cannot match.

    Ties keep document order (gold first, then prediction), so results are deterministic.
    """
    candidates = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            s = score(g, p)
            if s is not None:
                candidates.append((-s, gi, pi))
    candidates.sort()
    used_g, used_p, pairs = set(), set(), []
    for _, gi, pi in candidates:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            pairs.append((gi, pi))
    return sorted(pairs)


def _prf(gold: list, pred: list, pairs: list[tuple[int, int]]) -> PRF:
    return PRF(tp=len(pairs), fp=len(pred) - len(pairs), fn=len(gold) - len(pairs))


def _unmatched(items: list, matched: set[int]) -> list:
    return [item for i, item in enumerate(items) if i not in matched]


# ---------------------------------------------------------------------------------------------------------------
# Quotes


def quote_score(gold_text: str, pred_text: str) -> float | None:
    """3 exact (whitespace-normalised), 2 equal but for trailing punctuation, else the fuzzy ratio if ≥ 0.9."""
    g, p = norm_ws(gold_text), norm_ws(pred_text)
    if g == p:
        return 3.0
    if strip_trailing_punct(g) == strip_trailing_punct(p):
        return 2.0
    matcher = SequenceMatcher(None, g, p, autojunk=False)
    if matcher.real_quick_ratio() < FUZZY_MIN or matcher.quick_ratio() < FUZZY_MIN:
        return None
    ratio = matcher.ratio()
    return ratio if ratio >= FUZZY_MIN else None


def speaker_fields(q: dict) -> dict:
    return {k: q.get(k) for k in ("speaker", "speaker_kind", "speaker_name", "speaker_place")}


def attribution_ok(gold: dict, pred: dict) -> bool:
    """Same speaker kind, same person (named_person only) and same place (both null counts as equal)."""
    if gold.get("speaker_kind") != pred.get("speaker_kind"):
        return False
    if gold.get("speaker_kind") == "named_person" and person_key(gold.get("speaker_name")) != person_key(
            pred.get("speaker_name")):
        return False
    return any_place_key(gold.get("speaker_place")) == any_place_key(pred.get("speaker_place"))


def _quote_pairs(gold: list[dict], pred: list[dict]) -> list[tuple[int, int]]:
    return greedy_match(gold, pred, lambda g, p: quote_score(g["text"], p["text"]))


def score_quotes(gold: list[dict], pred: list[dict], detail: dict) -> dict[str, PRF | Accuracy]:
    pairs = _quote_pairs(gold, pred)
    kind, attribution = Accuracy(), Accuracy()
    for gi, pi in pairs:
        g, p = gold[gi], pred[pi]
        kind.count(g.get("kind") == p.get("kind"))
        if g.get("kind") != p.get("kind"):
            detail["quote_kind_errors"].append({"text": g["text"], "gold": g.get("kind"), "pred": p.get("kind")})
        if g.get("kind") == "direct":
            ok = attribution_ok(g, p)
            attribution.count(ok)
            if not ok:
                detail["attribution_errors"].append(
                    {"text": g["text"], "gold": speaker_fields(g), "pred": speaker_fields(p)})
    detail["quote_misses"] = [q["text"] for q in _unmatched(gold, {g for g, _ in pairs})]
    detail["quote_extras"] = [q["text"] for q in _unmatched(pred, {p for _, p in pairs})]
    gold_direct = [q for q in gold if q.get("kind") == "direct"]
    pred_direct = [q for q in pred if q.get("kind") == "direct"]
    return {"quotes": _prf(gold, pred, pairs),
            "direct_quotes": _prf(gold_direct, pred_direct, _quote_pairs(gold_direct, pred_direct)),
            "quote_kind": kind, "direct_attribution": attribution}


# ---------------------------------------------------------------------------------------------------------------
# Places


def _keyed_pairs(gold_keys: list, pred_keys: list, prefer: Callable[[int, int], bool] | None = None):
    """Pairs of equal keys; `prefer` (e.g. same level) breaks ties between several equal keys."""
    def score(gi: int, pi: int) -> float | None:
        if gold_keys[gi] is None or gold_keys[gi] != pred_keys[pi]:
            return None
        return 2.0 if prefer and prefer(gi, pi) else 1.0
    return greedy_match(list(range(len(gold_keys))), list(range(len(pred_keys))), score)


def score_kp_places(gold: list[dict], pred: list[dict], detail: dict) -> dict[str, PRF | Accuracy]:
    gk = [place_key(g.get("name")) for g in gold]
    pk = [place_key(p.get("name")) for p in pred]
    pairs = _keyed_pairs(gk, pk, lambda gi, pi: gold[gi].get("level") == pred[pi].get("level"))
    level, province = Accuracy(), Accuracy()
    for gi, pi in pairs:
        g, p = gold[gi], pred[pi]
        level_ok = level_key(g.get("level"), gk[gi]) == level_key(p.get("level"), pk[pi])
        province_ok = province_key(g.get("province")) == province_key(p.get("province"))
        level.count(level_ok)
        province.count(province_ok)
        if not (level_ok and province_ok):
            detail["place_field_errors"].append(
                {"name": g.get("name"), "gold": {"level": g.get("level"), "province": g.get("province")},
                 "pred": {"level": p.get("level"), "province": p.get("province")}})
    detail["place_misses"] = [g.get("mention") or g.get("name") for g in _unmatched(gold, {g for g, _ in pairs})]
    detail["place_extras"] = [p.get("mention") or p.get("name") for p in _unmatched(pred, {p for _, p in pairs})]
    return {"kp_places": _prf(gold, pred, pairs), "place_level": level, "place_province": province}


def score_foreign_places(gold: list[str], pred: list[dict], detail: dict) -> dict[str, PRF]:
    """Distinct places on both sides (gold lists each once; a repeated prediction is one place)."""
    gold_keys = list(dict.fromkeys(foreign_key(g) for g in gold if g))
    pred_names = {}
    for p in pred:
        pred_names.setdefault(foreign_key(p.get("name")), p.get("name"))
    pred_keys = list(pred_names)
    pairs = _keyed_pairs(gold_keys, pred_keys)
    detail["foreign_misses"] = _unmatched(gold_keys, {g for g, _ in pairs})
    detail["foreign_extras"] = [pred_names[k] for k in _unmatched(pred_keys, {p for _, p in pairs})]
    return {"foreign_places": _prf(gold_keys, pred_keys, pairs)}


# ---------------------------------------------------------------------------------------------------------------
# Officials


def _spans_of_pred(body: str, row: dict) -> list[tuple[int, int]]:
    spans = find_spans(body, row.get("mention"))
    start = row.get("char_start")
    if isinstance(start, int) and row.get("mention"):
        spans.append((start, start + len(row["mention"])))
    return spans


def _overlap(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> bool:
    return any(s1 < e2 and s2 < e1 for s1, e1 in a for s2, e2 in b)


def group_score(body: str, gold: dict, pred: dict) -> float | None:
    """Mentions overlapping in the body (2), plus 1 if the folded roles are equal; roles alone also match (1)."""
    overlap = _overlap(find_spans(body, gold.get("mention")), _spans_of_pred(body, pred))
    same_role = role_key(gold.get("role")) is not None and role_key(gold.get("role")) == role_key(pred.get("role"))
    if not overlap and not same_role:
        return None
    return 2.0 * overlap + 1.0 * same_role


def score_officials(body: str, gold: list[dict], pred: list[dict], detail: dict) -> dict[str, PRF]:
    gold_named = [o for o in gold if o.get("kind") == "named"]
    pred_named = [o for o in pred if o.get("kind") == "named"]
    named_pairs = _keyed_pairs([person_key(o.get("name")) for o in gold_named],
                               [person_key(o.get("name")) for o in pred_named])
    gold_groups = [o for o in gold if o.get("kind") == "group"]
    pred_groups = [o for o in pred if o.get("kind") == "group"]
    group_pairs = greedy_match(gold_groups, pred_groups, lambda g, p: group_score(body, g, p))
    detail["official_misses"] = [o.get("name") for o in _unmatched(gold_named, {g for g, _ in named_pairs})]
    detail["official_extras"] = [o.get("name") for o in _unmatched(pred_named, {p for _, p in named_pairs})]
    detail["group_misses"] = [o.get("mention") for o in _unmatched(gold_groups, {g for g, _ in group_pairs})]
    detail["group_extras"] = [o.get("mention") for o in _unmatched(pred_groups, {p for _, p in group_pairs})]
    return {"named_officials": _prf(gold_named, pred_named, named_pairs),
            "official_groups": _prf(gold_groups, pred_groups, group_pairs)}


# ---------------------------------------------------------------------------------------------------------------
# Prices (scored only once extraction returns a "prices" list)


def price_key(row: dict) -> tuple | None:
    try:
        value = float(row["value"]) if row.get("value") is not None else None
    except (TypeError, ValueError):
        value = None
    item = gazetteer.fold(row.get("item") or "")
    return (item, value, (row.get("currency") or "").upper(), place_key(row.get("place")))


def score_prices(gold: list[dict], pred: list[dict], detail: dict) -> dict[str, PRF | Accuracy]:
    """Match on item + value + currency + place; then date (gold `date` vs `observed_date`) and kind."""
    pairs = _keyed_pairs([price_key(g) for g in gold], [price_key(p) for p in pred])
    dates, kinds = Accuracy(), Accuracy()
    for gi, pi in pairs:
        g, p = gold[gi], pred[pi]
        dates.count(str(g.get("date") or "") == str(p.get("observed_date") or p.get("date") or ""))
        kinds.count(g.get("kind") == p.get("kind"))
    detail["price_misses"] = [g.get("mention") for g in _unmatched(gold, {g for g, _ in pairs})]
    detail["price_extras"] = [p.get("mention") for p in _unmatched(pred, {p for _, p in pairs})]
    return {"prices": _prf(gold, pred, pairs), "price_date": dates, "price_kind": kinds}


# ---------------------------------------------------------------------------------------------------------------
# Article fields


def chrome_leaks(body: str, chrome_lines: list[str]) -> list[str]:
    """Gold chrome lines found in the body: as a whole body line, or (4+ words) anywhere in it."""
    body_lines = {norm_ws(line) for line in body.splitlines()}
    flat = norm_ws(body)
    leaks = []
    for line in chrome_lines:
        needle = norm_ws(line)
        if needle and (needle in body_lines or (len(needle.split()) >= MIN_LEAK_WORDS and needle in flat)):
            leaks.append(line)
    return leaks


def score_article_fields(gold: dict, parsed, detail: dict) -> dict[str, Accuracy]:
    body = norm_ws(parsed.body)
    gold_title, pred_title = norm_ws(gold.get("title")) or None, norm_ws(parsed.title) or None
    pred_date = parsed.published_date.isoformat() if parsed.published_date else None
    checks = {
        "title": gold_title == pred_title,
        "body_start": body.startswith(norm_ws(gold.get("body_first_words"))),
        "body_end": body.endswith(norm_ws(gold.get("body_last_words"))),
        "published_date": (gold.get("published_date") or None) == pred_date,
    }
    leaks = chrome_leaks(parsed.body, gold.get("chrome_not_body") or [])
    checks["no_chrome_leak"] = not leaks
    out = {f"article_{name}": Accuracy(int(ok), 1) for name, ok in checks.items()}
    out["invented_titles"] = Accuracy(int(gold_title is None and pred_title is not None), 1)
    detail["article_errors"] = {name: {"gold": g, "pred": p} for name, ok, g, p in (
        ("title", checks["title"], gold_title, pred_title),
        ("body_start", checks["body_start"], gold.get("body_first_words"), " ".join(body.split(" ")[:8])),
        ("body_end", checks["body_end"], gold.get("body_last_words"), " ".join(body.split(" ")[-8:])),
        ("published_date", checks["published_date"], gold.get("published_date"), pred_date)) if not ok}
    detail["chrome_leaks"] = leaks
    return out


# ---------------------------------------------------------------------------------------------------------------
# One article, the whole folder, the report

PRF_METRICS = ("quotes", "direct_quotes", "kp_places", "foreign_places", "named_officials", "official_groups",
               "prices")
ACCURACY_METRICS = ("quote_kind", "direct_attribution", "place_level", "place_province", "price_date", "price_kind",
                    "article_title", "article_body_start", "article_body_end", "article_published_date",
                    "article_no_chrome_leak", "invented_titles")
DETAIL_LISTS = ("quote_kind_errors", "attribution_errors", "place_field_errors")


@dataclass
class ArticleResult:
    id: str
    counts: dict[str, dict] = field(default_factory=dict)
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class EvalReport:
    summary: dict[str, Any]
    articles: list[ArticleResult]
    problems: list[dict[str, str]]

    def to_json(self) -> str:
        return json.dumps({"summary": self.summary, "articles": [asdict(a) for a in self.articles],
                           "problems": self.problems}, ensure_ascii=False, indent=2)

    def render_text(self, details: bool = False) -> str:
        return render_text(self, details)


def _first_article(name: str, data: bytes):
    from dnkdata.model import ParsedArticle
    from dnkdata.parse import read_capture
    records, _ = read_capture(name, data)
    return next((r for r in records if isinstance(r, ParsedArticle)), None)


def score_article(gold: dict, parsed) -> ArticleResult:
    """Compare one parsed capture (after extraction) with its gold."""
    rows = extract_article("0" * 16, parsed.body, is_excerpt=parsed.is_excerpt)
    detail: dict[str, Any] = {name: [] for name in DETAIL_LISTS}
    locations = rows.get("locations", [])
    metrics: dict[str, PRF | Accuracy] = {}
    metrics.update(score_article_fields(gold.get("article") or {}, parsed, detail))
    metrics.update(score_quotes(gold.get("quotes") or [], rows.get("quotes", []), detail))
    metrics.update(score_kp_places(gold.get("locations") or [],
                                   [r for r in locations if r.get("country_code") == "KP"], detail))
    metrics.update(score_foreign_places(gold.get("foreign_places") or [],
                                        [r for r in locations if r.get("country_code") != "KP"], detail))
    metrics.update(score_officials(parsed.body, gold.get("officials") or [], rows.get("officials", []), detail))
    if "prices" in gold and "prices" in rows:
        metrics.update(score_prices(gold.get("prices") or [], rows["prices"] or [], detail))
    result = ArticleResult(id=str(gold.get("id") or ""), detail=detail)
    result.counts = {name: asdict(m) for name, m in metrics.items()}
    return result


def evaluate(gold_dir: Path, raw_dir: Path | None = None) -> EvalReport:
    """Score every gold file in gold_dir against its raw capture (default: the sibling `raw/` folder)."""
    gold_dir = Path(gold_dir)
    if not gold_dir.is_dir():
        raise InputError(f"gold folder not found: {gold_dir}")
    raw_dir = Path(raw_dir) if raw_dir is not None else gold_dir.parent / "raw"
    articles, problems = [], []
    for gold_path in sorted(gold_dir.glob("*.json")):
        result = _evaluate_one(gold_path, raw_dir, problems)
        if result is not None:
            articles.append(result)
    return EvalReport(summary=summarize(articles, problems), articles=articles, problems=problems)


def _evaluate_one(gold_path: Path, raw_dir: Path, problems: list[dict]) -> ArticleResult | None:
    """One pair; anything that stops it (no raw file, unreadable gold, a rejected capture) becomes a problem."""
    art_id = gold_path.stem
    raw_path = raw_dir / f"{art_id}.txt"
    try:
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        problems.append({"id": art_id, "code": "bad_gold", "message": str(exc)})
        return None
    if not raw_path.is_file():
        problems.append({"id": art_id, "code": "missing_raw", "message": f"no raw capture {raw_path}"})
        return None
    try:
        parsed = _first_article(raw_path.name, raw_path.read_bytes())
        if parsed is None:
            problems.append({"id": art_id, "code": "no_article", "message": "the capture holds no article"})
            return None
        result = score_article(gold, parsed)
    except Exception as exc:  # a scorer reports a reader/extractor failure on one file and carries on
        problems.append({"id": art_id, "code": getattr(exc, "code", type(exc).__name__), "message": str(exc)})
        return None
    result.id = result.id or art_id
    return result


def summarize(articles: list[ArticleResult], problems: list[dict]) -> dict[str, Any]:
    """Micro-averaged metrics over all scored articles; a metric no article could score is "n/a"."""
    summary: dict[str, Any] = {"articles_scored": len(articles), "problems": len(problems)}
    for names, kind in ((PRF_METRICS, PRF), (ACCURACY_METRICS, Accuracy)):
        for name in names:
            rows = [a.counts[name] for a in articles if name in a.counts]
            total = kind()
            for row in rows:
                total.add(kind(**row))
            summary[name] = total.as_dict() if rows else "n/a"
    return summary


# ---------------------------------------------------------------------------------------------------------------
# Text rendering


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def render_text(report: EvalReport, details: bool = False) -> str:
    s = report.summary
    lines = [f"articles scored: {s['articles_scored']}   problems: {s['problems']}", "",
             f"{'metric':<24}{'precision':>10}{'recall':>10}{'F1':>10}{'tp':>6}{'fp':>6}{'fn':>6}"]
    for name in PRF_METRICS:
        m = s[name]
        if m == "n/a":
            lines.append(f"{name:<24}{'n/a':>10}")
            continue
        lines.append(f"{name:<24}{_fmt(m['precision']):>10}{_fmt(m['recall']):>10}{_fmt(m['f1']):>10}"
                     f"{m['tp']:>6}{m['fp']:>6}{m['fn']:>6}")
    lines += ["", f"{'metric':<24}{'accuracy':>10}{'correct':>10}{'total':>8}"]
    for name in ACCURACY_METRICS:
        m = s[name]
        if m == "n/a":
            lines.append(f"{name:<24}{'n/a':>10}")
            continue
        label = "invented_titles (rate)" if name == "invented_titles" else name
        lines.append(f"{label:<24}{_fmt(m['accuracy']):>10}{m['correct']:>10}{m['total']:>8}")
    for p in report.problems:
        lines.append(f"problem {p['id']}: {p['code']}: {p['message']}")
    if details:
        for article in report.articles:
            lines += _render_article(article)
    return "\n".join(lines) + "\n"


MARK_START = "<!-- accuracy:start (generated by `make eval`; do not edit) -->"
MARK_END = "<!-- accuracy:end -->"


def render_markdown(summary: dict[str, Any]) -> str:
    """The headline figures as a Markdown table (for docs/methodology.md and release READMEs)."""
    lines = [f"Scored on {summary['articles_scored']} annotated captures.", "",
             "| layer | precision | recall | F1 | tp | fp | fn |", "| --- | --- | --- | --- | --- | --- | --- |"]
    for name in PRF_METRICS:
        m = summary[name]
        if m != "n/a":
            lines.append(f"| {name} | {_fmt(m['precision'])} | {_fmt(m['recall'])} | {_fmt(m['f1'])} "
                         f"| {m['tp']} | {m['fp']} | {m['fn']} |")
    lines += ["", "| measure | accuracy | correct | total |", "| --- | --- | --- | --- |"]
    for name in ACCURACY_METRICS:
        m = summary[name]
        if m != "n/a":
            lines.append(f"| {name} | {_fmt(m['accuracy'])} | {m['correct']} | {m['total']} |")
    return "\n".join(lines) + "\n"


def write_summary(report: EvalReport, path: Path) -> None:
    """Only the figures (no article text: the gold corpus is third-party and never copied into the project)."""
    path.write_text(json.dumps({"summary": report.summary}, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def update_methodology(report: EvalReport, path: Path) -> None:
    """Replace the generated table between the accuracy markers in a Markdown file."""
    text = path.read_text(encoding="utf-8")
    start, end = text.index(MARK_START) + len(MARK_START), text.index(MARK_END)
    path.write_text(text[:start] + "\n" + render_markdown(report.summary) + text[end:], encoding="utf-8")


def _render_article(article: ArticleResult) -> list[str]:
    d = article.detail
    out = []
    for name, err in d.get("article_errors", {}).items():
        out.append(f"  {name}: gold {err['gold']!r} | pred {err['pred']!r}")
    if d.get("chrome_leaks"):
        out.append(f"  chrome leaks: {d['chrome_leaks']}")
    for key in ("quote_misses", "quote_extras", "place_misses", "place_extras", "foreign_misses", "foreign_extras",
                "official_misses", "official_extras", "group_misses", "group_extras", "price_misses",
                "price_extras"):
        for item in d.get(key, []):
            out.append(f"  {key[:-2] if key.endswith('es') else key}: {_short(item)}")
    for err in d.get("quote_kind_errors", []):
        out.append(f"  quote kind: {_short(err['text'])} gold {err['gold']} pred {err['pred']}")
    for err in d.get("attribution_errors", []):
        g, p = err["gold"], err["pred"]
        out.append(f"  attribution: {_short(err['text'])}\n"
                   f"      gold {g['speaker_kind']} | {g['speaker_name']} | {g['speaker_place']} | {g['speaker']}\n"
                   f"      pred {p['speaker_kind']} | {p['speaker_name']} | {p['speaker_place']} | {p['speaker']}")
    for err in d.get("place_field_errors", []):
        out.append(f"  place fields: {err['name']} gold {err['gold']} pred {err['pred']}")
    return ([f"", f"== {article.id}"] + out) if out else []


def _short(text: Any, width: int = 90) -> str:
    text = norm_ws(str(text))
    return text if len(text) <= width else text[: width - 1] + "…"


# ---------------------------------------------------------------------------------------------------------------
# CLI


def register(app) -> None:
    """Add `evaluate` to a Typer app (cli.py calls this; tests register on their own app)."""
    import typer

    @app.command("evaluate")
    def evaluate_command(
        gold: Path = typer.Option(..., "--gold", help="folder of gold <id>.json files"),
        raw: Path | None = typer.Option(None, "--raw", help="folder of raw <id>.txt captures (default: ../raw)"),
        json_out: Path | None = typer.Option(None, "--json", help="also write the full report as JSON here"),
        details: bool = typer.Option(False, "--details/--no-details", help="list each article's misses/extras"),
        summary_out: Path | None = typer.Option(None, "--summary-json", help="write only the figures here"),
        methodology: Path | None = typer.Option(None, "--methodology",
                                                help="refresh the generated figures table in this Markdown file"),
    ) -> None:
        """Score extraction against gold annotations: P/R/F1 per layer, accuracies, per-article errors."""
        try:
            report = evaluate(gold, raw)
        except InputError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from None
        typer.echo(report.render_text(details), nl=False)
        if json_out is not None:
            json_out.write_text(report.to_json() + "\n", encoding="utf-8")
        if summary_out is not None:
            write_summary(report, summary_out)
        if methodology is not None:
            update_methodology(report, methodology)
