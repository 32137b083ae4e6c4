"""The scorer (dnkdata.evaluate) on invented fixtures (tests/fixtures/eval: invented stories, not real articles).

Scoring is tested with predictions built from the fixture gold (a stubbed extractor), so the numbers depend on the
scorer only; one end-to-end run uses the real reader and extractor and checks only what does not depend on them.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import dnkdata.evaluate as ev
from dnkdata import gazetteer

FIXTURES = Path(__file__).parent / "fixtures" / "eval"
GOLD = FIXTURES / "gold"
GOLD_WRONG = FIXTURES / "gold_wrong"
RAW = FIXTURES / "raw"


# ----------------------------------------------------------------------------------------------------------------
# A stub extractor: the rows the correct gold implies, written the way the extractor writes them


def _display_name(name: str, foreign: bool = False) -> str:
    """The gazetteer's own spelling of a place (gold 'Yanggang' → 'Ryanggang'), as the extractor would give it."""
    key = ev.foreign_key(name) if foreign else ev.place_key(name)
    for place in gazetteer.places():
        if (place.country_code != "KP") == foreign and gazetteer.fold(place.name) == key:
            return place.name
    return name


def _rows_from_gold(gold: dict, body: str) -> dict[str, list[dict]]:
    quotes = [dict(q, text=ev.norm_ws(q["text"]),
                   speaker_place=_display_name(q["speaker_place"]) if q["speaker_place"] else None)
              for q in gold["quotes"]]
    locations = [dict(loc, name=_display_name(loc["name"]), province=_display_name(loc["province"]),
                      country_code="KP") for loc in gold["locations"]]
    locations += [{"name": _display_name(f, foreign=True), "level": "city", "province": None, "country_code": "CN",
                   "mention": f} for f in gold["foreign_places"]]
    officials = []
    for o in gold["officials"]:
        spans = ev.find_spans(body, o["mention"])
        officials.append(dict(o, char_start=spans[0][0] if spans else None))
    prices = [dict({k: v for k, v in p.items() if k != "date"}, observed_date=p["date"]) for p in gold["prices"]]
    return {"quotes": quotes, "locations": locations, "officials": officials, "prices": prices}


@pytest.fixture
def stub_extractor(monkeypatch):
    """Replace extraction by the rows of the matching correct gold (found by the body's first words)."""
    golds = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(GOLD.glob("*.json"))]

    def fake_extract(article_id: str, body: str, *, is_excerpt: bool = False) -> dict:
        for gold in golds:
            if ev.norm_ws(body).startswith(ev.norm_ws(gold["article"]["body_first_words"])):
                return _rows_from_gold(gold, body)
        raise AssertionError("no fixture gold for this body")

    monkeypatch.setattr(ev, "extract_article", fake_extract)


# ----------------------------------------------------------------------------------------------------------------
# Whole-folder scoring


def test_perfect_predictions_score_one(stub_extractor):
    report = ev.evaluate(GOLD)  # raw defaults to the sibling raw/ folder
    s = report.summary
    assert s["articles_scored"] == 2 and s["problems"] == 0
    for name in ev.PRF_METRICS:
        assert (s[name]["precision"], s[name]["recall"], s[name]["f1"]) == (1.0, 1.0, 1.0), name
    for name in ev.ACCURACY_METRICS:
        expected = 0.0 if name == "invented_titles" else 1.0
        assert s[name]["accuracy"] == expected, name
    assert s["quotes"]["tp"] == 4 and s["kp_places"]["tp"] == 5 and s["official_groups"]["tp"] == 5


def test_deliberately_wrong_gold_gives_hand_computed_scores(stub_extractor):
    s = ev.evaluate(GOLD_WRONG, RAW).summary
    # quotes: e001 q2 text changed → one miss and one extra; e002 matches
    assert (s["quotes"]["tp"], s["quotes"]["fp"], s["quotes"]["fn"]) == (3, 1, 1)
    assert s["quotes"]["precision"] == s["quotes"]["recall"] == s["quotes"]["f1"] == 0.75
    assert (s["direct_quotes"]["tp"], s["direct_quotes"]["fp"], s["direct_quotes"]["fn"]) == (2, 1, 1)
    assert s["direct_quotes"]["f1"] == pytest.approx(2 / 3)
    # q1 speaker place Pyongyang in gold vs Nampo; e002's Yanggang = Ryanggang is correct
    assert (s["direct_attribution"]["correct"], s["direct_attribution"]["total"]) == (1, 2)
    # places: Hyesan replaced by Kaechon in e001 gold; Onchon's province wrong
    assert (s["kp_places"]["tp"], s["kp_places"]["fp"], s["kp_places"]["fn"]) == (4, 1, 1)
    assert s["kp_places"]["f1"] == pytest.approx(0.8)
    assert (s["place_province"]["correct"], s["place_province"]["total"]) == (3, 4)
    assert s["place_level"]["accuracy"] == 1.0
    # foreign: Shenyang added to gold only
    assert (s["foreign_places"]["tp"], s["foreign_places"]["fp"], s["foreign_places"]["fn"]) == (4, 0, 1)
    assert s["foreign_places"]["precision"] == 1.0
    assert s["foreign_places"]["f1"] == pytest.approx(2 * 0.8 / 1.8)
    # named: Kim Yo Jong in gold, Kim Jong Un predicted
    assert s["named_officials"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "tp": 0, "fp": 1, "fn": 1}
    assert s["official_groups"]["f1"] == 1.0 and s["prices"]["f1"] == 1.0


def test_per_article_detail_lists_misses_extras_and_attribution_errors(stub_extractor):
    report = ev.evaluate(GOLD_WRONG, RAW)
    e001 = next(a for a in report.articles if a.id == "e001")
    assert e001.detail["quote_misses"] == ["Everyone stayed at home all week."]
    assert e001.detail["quote_extras"] == ["Nobody was allowed to go home until the count was finished."]
    assert e001.detail["place_misses"] == ["Kaechon"] and e001.detail["place_extras"] == ["Hyesan"]
    assert e001.detail["foreign_misses"] == ["shenyang"]
    assert e001.detail["official_misses"] == ["Kim Yo Jong"] and e001.detail["official_extras"] == ["Kim Jong Un"]
    [error] = e001.detail["attribution_errors"]
    assert error["gold"]["speaker_place"] == "Pyongyang" and error["pred"]["speaker_place"] == "Nampo"
    assert e001.counts["quotes"] == {"tp": 2, "fp": 1, "fn": 1}
    text = report.render_text(details=True)
    assert "== e001" in text and "attribution:" in text and "Kaechon" in text


def test_real_reader_and_extractor_run_end_to_end():
    report = ev.evaluate(GOLD, RAW)
    s = report.summary
    assert s["articles_scored"] == 2
    # a price quoted by a source with no place in its sentence takes the source's place (GOLD_FORMAT)
    assert (s["prices"]["tp"], s["prices"]["fp"], s["prices"]["fn"]) == (1, 0, 0)
    # article fields come from the reader alone: title, null title, date, body edges, chrome
    for name in ("article_title", "article_published_date", "article_body_start", "article_body_end",
                 "article_no_chrome_leak"):
        assert s[name]["accuracy"] == 1.0, name
    json.loads(report.to_json())


def test_missing_raw_is_a_problem_not_a_crash(tmp_path, stub_extractor):
    gold_dir = tmp_path / "gold"
    shutil.copytree(GOLD, gold_dir)
    shutil.copytree(RAW, tmp_path / "raw")
    (gold_dir / "e003.json").write_text((GOLD / "e001.json").read_text(encoding="utf-8"), encoding="utf-8")
    report = ev.evaluate(gold_dir)
    assert report.summary["articles_scored"] == 2
    assert [(p["id"], p["code"]) for p in report.problems] == [("e003", "missing_raw")]
    assert "problem e003: missing_raw" in report.render_text()


def test_missing_gold_dir_raises_input_error(tmp_path):
    with pytest.raises(ev.InputError):
        ev.evaluate(tmp_path / "nowhere")


# ----------------------------------------------------------------------------------------------------------------
# Normalisation and matching rules


def test_whitespace_and_trailing_punctuation_in_quotes():
    assert ev.quote_score("a b\n c", " a  b c ") == 3.0
    assert ev.quote_score("nobody came,", "nobody came") == 2.0
    assert ev.quote_score("nobody came.”", "nobody came") == 2.0
    # ? and ! are not trailing punctuation: only the fuzzy rule can pair these, below the punctuation rule
    assert ev.FUZZY_MIN <= ev.quote_score("nobody came?", "nobody came") < 2.0
    assert ev.quote_score("no?", "no") is None


def test_fuzzy_quote_match_threshold():
    gold = "The inspectors came on Monday and opened every seed store in the county"
    assert ev.quote_score(gold, gold.replace("every", "evry")) >= ev.FUZZY_MIN
    assert ev.quote_score(gold, "The inspectors came on Monday") is None


def test_greedy_matching_is_best_first_and_one_to_one():
    gold = [{"text": "the rice price rose again this week in the market"}]
    pred = [{"text": "the rice price rose again this week in the markets"}, {"text": "the rice price rose again "
                                                                                     "this week in the market."}]
    assert ev._quote_pairs(gold, pred) == [(0, 1)]  # the trailing-punctuation match beats the fuzzy one


def test_romanization_is_normalised_through_the_gazetteer():
    assert ev.place_key("Yanggang") == ev.place_key("Ryanggang") == ev.place_key("Ryanggang Province")
    assert ev.place_key("Onchon county") == ev.place_key("Onchon") == "onchon"
    assert ev.place_key("P'yŏngyang") == "pyongyang"
    assert ev.foreign_key("PRC") == ev.foreign_key("China") == "china"
    assert ev.province_key("Kaesong") == ev.province_key("North Hwanghae")  # the settled Kaesong convention


def test_attribution_compares_kind_name_and_place():
    gold = {"speaker_kind": "anonymous_source", "speaker_name": None, "speaker_place": "Yanggang"}
    assert ev.attribution_ok(gold, dict(gold, speaker_place="Ryanggang"))
    assert not ev.attribution_ok(gold, dict(gold, speaker_place=None))
    assert not ev.attribution_ok(gold, dict(gold, speaker_kind="unattributed"))
    named = {"speaker_kind": "named_person", "speaker_name": "Kim Yo Jong", "speaker_place": None}
    assert ev.attribution_ok(named, dict(named, speaker_name="kim yo-jong"))
    assert not ev.attribution_ok(named, dict(named, speaker_name="Kim Jong Un"))


def test_official_groups_match_by_overlap_or_role():
    body = "Two party officials in the city and some border guards were there."
    gold = {"mention": "party officials in the city", "role": "party officials"}
    assert ev.group_score(body, gold, {"mention": "party officials", "role": "officials", "char_start": 4}) == 2.0
    assert ev.group_score(body, gold, {"mention": "officials", "role": "Party Officials", "char_start": 999}) == 3.0
    assert ev.group_score(body, gold, {"mention": "border guards", "role": "border guards", "char_start": 47}) is None


def test_find_spans_ignores_line_breaks():
    body = "stop people from\ncarrying grain"
    assert ev.find_spans(body, "people from carrying") == [(5, 25)]


def test_chrome_leak_needs_a_whole_line_for_short_chrome():
    body = "Residents of Delhi were not mentioned.\n\nDelhi"
    assert ev.chrome_leaks(body, ["Delhi"]) == ["Delhi"]
    assert ev.chrome_leaks("Residents of Delhi were not mentioned.", ["Delhi"]) == []
    assert ev.chrome_leaks("x. A picture of a market in the snow here.", ["A picture of a market"]) == [
        "A picture of a market"]


def test_undefined_precision_is_none_not_zero():
    assert ev.PRF(tp=0, fp=0, fn=2).as_dict()["precision"] is None
    assert ev.PRF(tp=0, fp=0, fn=2).as_dict()["f1"] == 0.0
    assert ev.PRF().as_dict()["f1"] is None


# ----------------------------------------------------------------------------------------------------------------
# CLI


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Test app (a callback keeps `evaluate` a subcommand)."""

    ev.register(app)
    return app


def test_cli_prints_the_table_and_writes_json(tmp_path, stub_extractor):
    out = tmp_path / "report.json"
    result = CliRunner().invoke(_app(), ["evaluate", "--gold", str(GOLD_WRONG), "--raw", str(RAW), "--json",
                                         str(out), "--details"])
    assert result.exit_code == 0, result.output
    assert "precision" in result.output and "recall" in result.output
    assert any(line.startswith("quotes") and "0.750" in line for line in result.output.splitlines())
    assert "== e001" in result.output
    assert json.loads(out.read_text(encoding="utf-8"))["summary"]["quotes"]["tp"] == 3


def test_cli_missing_gold_dir_is_one_line_error(tmp_path):
    result = CliRunner().invoke(_app(), ["evaluate", "--gold", str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "gold folder not found" in result.output
    assert len(result.output.strip().splitlines()) == 1
