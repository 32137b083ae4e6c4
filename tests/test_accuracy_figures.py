"""The accuracy figures published in docs/ are what the code measures now (when the dev corpus is present)."""

from __future__ import annotations

import json

import pytest

from dnkdata.evaluate import MARK_END, MARK_START, evaluate, render_markdown
from tests.conftest import ROOT

DEV = ROOT.parent / "shared" / "corpus" / "dev"


def test_methodology_shows_the_figures_in_accuracy_json():
    summary = json.loads((ROOT / "docs" / "accuracy.json").read_text())["summary"]
    text = (ROOT / "docs" / "methodology.md").read_text()
    table = text[text.index(MARK_START) + len(MARK_START):text.index(MARK_END)]
    assert table.strip() == render_markdown(summary).strip()


@pytest.mark.skipif(not (DEV / "gold").is_dir(), reason="the development corpus is not beside this checkout")
def test_published_figures_match_a_fresh_evaluation():
    published = json.loads((ROOT / "docs" / "accuracy.json").read_text())["summary"]
    assert evaluate(DEV / "gold", DEV / "raw").summary == published, "run `make eval` and commit docs/"
