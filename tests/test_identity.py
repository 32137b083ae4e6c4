"""Article identity: different stories never share an id, captures of one story do."""

from __future__ import annotations

from datetime import date

from dnkdata.identity import article_identity
from dnkdata.model import ParsedArticle

BODY_A = " ".join(f"alpha{i}" for i in range(40))
BODY_B = " ".join(f"beta{i}" for i in range(40))


def test_undated_stories_sharing_a_headline_get_different_ids():
    one = ParsedArticle(body=BODY_A, source_format="text", title="Residents told to finish houses")
    two = ParsedArticle(body=BODY_B, source_format="text", title="Residents told to finish houses")
    assert article_identity(one) != article_identity(two)


def test_a_dated_headline_is_the_identity_whatever_the_body():
    one = ParsedArticle(body=BODY_A, source_format="text", title="Headline", published_date=date(2024, 5, 1))
    two = ParsedArticle(body=BODY_B, source_format="text", title="Headline", published_date=date(2024, 5, 1))
    assert article_identity(one) == article_identity(two)
