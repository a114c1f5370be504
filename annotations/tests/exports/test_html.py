"""The HTML report: parsed, escaped, self-contained, highlighted by verdict, with its chart, date and filters."""

import re

import pytest
from django.db.models import Count
from django.utils import timezone

from annotations import workflow
from annotations.exports import ExportFilters
from annotations.ingest.documents import DocumentInput
from annotations.ingest.sentence import Sentence
from annotations.models import Claim, Evidence

from .conftest import (
    CORRECTION_NOTE,
    COST_REWORDING,
    COST_TEXT,
    COST_WORDING,
    DAM_COST_TEXT,
    DAM_TEXT_NOW,
    DAM_TITLE_NOW,
    DISMISSAL_NOTE,
    MARKUP_TEXT,
    MAYOR_TEXT,
    REWORDING_NOTE,
    SPLIT_TEXT,
    TOLL_WORDING,
    exported,
    html_tree,
)

pytestmark = pytest.mark.django_db

PUBLISHED = ExportFilters.parse(published=True)


def report(filters=PUBLISHED):
    return html_tree(exported("html", filters))


def article(page, document):
    return page.find("article", id=f"document-{document.pk}")


def claim_item(page, document, claim):
    return page.find("li", id=f"claim-{document.pk}-{claim.pk}")


def test_the_report_parses_as_one_closed_html_document(newsroom):
    data = exported("html", PUBLISHED)
    assert data.startswith(b"<!DOCTYPE html>")
    page = html_tree(data)
    assert page.find("html").attrs == {"lang": "en"}
    assert page.find("meta", charset="utf-8")
    documents = {doc.pk for doc in newsroom.docs.__dict__.values()} | {f.document.pk for f in newsroom.formulas}
    shown = {int(a.attrs["id"].removeprefix("document-")) for a in page.find_all("article")}
    # Documents where an approved claim occurs; the survey and the safe starts hold none.
    assert shown == documents - {newsroom.docs.survey.pk, newsroom.docs.safe.pk}


def test_markup_in_an_article_is_shown_as_text_and_never_run(newsroom):
    page = report()
    markup = article(page, newsroom.docs.markup)
    assert markup.find("div", **{"class": "text"}).text() == MARKUP_TEXT
    assert markup.find("h2").text() == "<i>Markup</i> & co"
    assert "<script>alert(1)</script>" in markup.text()
    tags = {element.tag for element in page.iter()}
    assert not tags & {"script", "b", "i", "iframe", "object", "embed", "img"}
    assert claim_item(page, newsroom.docs.markup, newsroom.claims.mayor).first("p").text() == MAYOR_TEXT


def test_the_report_fetches_nothing_and_links_only_to_its_sources(newsroom):
    page = report()
    ids = {element.attrs["id"] for element in page.iter() if "id" in element.attrs}
    approved = Claim.objects.filter(status="approved")
    evidence = set(Evidence.objects.filter(claim__in=approved).exclude(url="").values_list("url", flat=True))
    documents = {"https://example.org/river", "https://example.org/dam"}  # the http(s) addresses of documents shown
    for element in page.iter():
        assert not {"src", "srcset", "style", "background", "action", "formaction"} & set(element.attrs), element
        assert not any(name.startswith("on") for name in element.attrs), element
        if "href" in element.attrs:
            href = element.attrs["href"]
            assert element.tag == "a"
            assert href.removeprefix("#") in ids if href.startswith("#") else href in evidence | documents, href
    style = page.find("style").text()
    assert "url(" not in style and "@import" not in style
    assert {a.attrs["href"] for a in page.find_all("a") if not a.attrs["href"].startswith("#")} == evidence | documents


def test_a_javascript_document_address_is_not_turned_into_a_link(newsroom):
    page = report()
    assert not [e for e in page.iter() if any("javascript:" in (v or "") for v in e.attrs.values())]
    meta = article(page, newsroom.docs.markup).first("p", **{"class": "meta"})
    assert meta.find_all("a") == [] and "javascript:" not in meta.text()
    formula = newsroom.formulas[0]  # its address is "=cmd|..."
    assert article(page, formula.document).first("p", **{"class": "meta"}).find_all("a") == []
    river = article(page, newsroom.docs.report).first("p", **{"class": "meta"})
    assert [a.attrs["href"] for a in river.find_all("a")] == ["https://example.org/river"]
    assert river.text() == "River Times, 2025-02-27 — https://example.org/river"


def test_each_article_shows_its_publisher_author_date_address_and_a_version_after_the_first(newsroom):
    page = report()
    dam = article(page, newsroom.docs.dam)
    meta = dam.first("p", **{"class": "meta"})
    assert meta.text() == "Valley Herald, by Jo Reyes, 2025-02-20 — https://example.org/dam · version 2"
    assert [a.attrs["href"] for a in meta.find_all("a")] == ["https://example.org/dam"]
    assert dam.find("h2").text() == DAM_TITLE_NOW
    digest = article(page, newsroom.docs.digest).first("p", **{"class": "meta"})
    assert digest.text() == "" and digest.find_all("a") == []  # nothing known, and a first version
    formula = newsroom.formulas[1]  # its publisher starts with "+"; its address is not a web address
    assert article(page, formula.document).first("p", **{"class": "meta"}).text() == formula.document.publisher


def test_a_claim_no_longer_in_the_article_is_listed_but_not_marked_in_its_text_of_now(newsroom):
    page = report()
    dam, gone, kept = newsroom.docs.dam, newsroom.claims.dam_cost, newsroom.claims.approved
    text = article(page, dam).find("div", **{"class": "text"})
    assert text.text() == DAM_TEXT_NOW  # the current version's text
    assert DAM_COST_TEXT not in text.text()
    assert [m.text() for m in text.find_all("mark")] == [kept.text]  # the new sentence is not approved
    item = claim_item(page, dam, gone)
    assert item.classes == {"v-disputed"}
    assert item.find("p", **{"class": "meta removed"}).text() == "No longer in the article since its version 2."
    assert not claim_item(page, dam, kept).find_all("p", **{"class": "meta removed"})
    items = [li.attrs["id"] for li in article(page, dam).find("ol").find_all("li") if "id" in li.attrs]
    assert items == [f"claim-{dam.pk}-{kept.pk}", f"claim-{dam.pk}-{gone.pk}"]  # the one gone comes last
    assert page.find_all("p", **{"class": "meta removed"}) == [item.find("p", **{"class": "meta removed"})]


def test_each_claim_is_highlighted_in_its_documents_with_the_class_of_its_verdict(newsroom):
    page = report()
    highlighted = 0
    for claim in Claim.objects.filter(status="approved").prefetch_related("occurrences__document"):
        for occurrence in claim.occurrences.all():
            if occurrence.removed_in:
                continue  # no longer in the article: listed, not marked
            marks = [
                mark
                for mark in article(page, occurrence.document).find_all("mark")
                if mark.find("a").attrs["href"] == f"#claim-{occurrence.document_id}-{claim.pk}"
            ]
            assert [(m.classes, m.text()) for m in marks] == [({f"v-{claim.verdict}"}, claim.text)]
            assert claim_item(page, occurrence.document, claim).classes == {f"v-{claim.verdict}"}
            highlighted += 1
    assert highlighted == 13  # eleven approved claims still in their articles, one of them in three
    assert len(page.find_all("mark")) == 13


def test_claims_still_under_work_are_marked_as_such_when_asked_for(newsroom):
    page = report(ExportFilters(claim_ids=(newsroom.claims.pending.pk, newsroom.claims.in_review.pk)))
    survey = article(page, newsroom.docs.survey)
    assert [(m.classes, m.attrs["title"]) for m in survey.find_all("mark")] == [({"v-none"}, "no verdict yet")]
    claim = newsroom.claims.in_review
    meta = claim_item(page, newsroom.docs.digest, claim).find("span", **{"class": "meta"}).text()
    shown, score = meta.rsplit(" ", 1)
    assert shown == f"claim {claim.pk}, in_review, check-worthiness"
    assert re.fullmatch(r"[01]\.\d\d", score) and abs(float(score) - claim.checkworthiness) <= 0.005


def chart(page) -> dict[str, tuple[str, int, int]]:
    """Return the chart's bars: verdict -> (label, count, bar width)."""
    bars = {}
    for group in page.find("svg").find_all("g"):
        label, count = [text.text() for text in group.find_all("text")]
        rect = group.find("rect")
        [value] = [c.removeprefix("bar-") for c in rect.classes]
        bars[value] = (label, int(count), int(rect.attrs["width"]))
    return bars


@pytest.mark.parametrize("filters", [PUBLISHED, ExportFilters()], ids=["published", "all"])
def test_the_chart_counts_are_the_verdict_counts(newsroom, filters):
    counts = dict.fromkeys(["verified", "disputed", "unverified", "none"], 0)
    for row in filters.claims().values("verdict").annotate(n=Count("id")):
        counts[row["verdict"] or "none"] = row["n"]
    bars = chart(report(filters))
    assert {value: count for value, (_, count, _) in bars.items()} == counts
    assert [label for label, _, _ in bars.values()] == ["Verified", "Disputed", "Unverified", "No verdict yet"]
    widest = max(counts.values())
    assert {value: width for value, (_, _, width) in bars.items()} == {
        value: round(320 * n / widest) for value, n in counts.items()
    }


def test_the_header_shows_the_report_date_the_filters_and_the_total(newsroom):
    filters = ExportFilters.parse(verdict="disputed", document=str(newsroom.docs.report.pk), published=True)
    before = timezone.now()
    page = report(filters)
    after = timezone.now()
    dates = {f"{before:%Y-%m-%d}", f"{after:%Y-%m-%d}"}
    assert page.find("title").text() in {f"Fact-check report, {day}" for day in dates}
    meta = page.find("header").first("p", **{"class": "meta"}).text()
    stamps = {f"{before:%Y-%m-%d %H:%M}", f"{after:%Y-%m-%d %H:%M}"}
    described = f"status approved; verdict disputed; document {newsroom.docs.report.pk}"
    assert meta in {f"Generated {stamp} UTC. Claims: {described}. 1 claim." for stamp in stamps}


def test_corrections_are_shown_under_their_claim(newsroom):
    page = report()
    corrected = claim_item(page, newsroom.docs.report, newsroom.claims.corrected)
    day = f"{newsroom.claims.corrected.approved_at:%Y-%m-%d}"
    [box] = corrected.find_all("div", **{"class": "corrections"})
    assert [li.text() for li in box.find_all("li")] == [f"{day}: verified → disputed. {CORRECTION_NOTE}"]
    assert f"Reviewed by reviewer2, approved {day}." in corrected.text()
    assert len(page.find_all("div", **{"class": "corrections"})) == 1


def test_a_claim_shows_its_note_evidence_and_reviewer(newsroom):
    survey = newsroom.docs.survey
    item = claim_item(report(), newsroom.docs.report, newsroom.claims.approved)
    assert item.find("span", **{"class": "badge"}).text() == "verified"
    evidence = [li.text() for li in item.find("ul").find_all("li")]
    assert evidence == [
        "supports: Survey page",
        f"context: passage of document {survey.pk} (characters 0–64): “{survey.text[:64]}”",
    ]
    assert "Note: Matches the survey." in item.text()
    assert "Reviewed by reviewer1, approved 2025-03-02." in item.text()


def test_no_matching_claim_gives_a_report_that_says_so(newsroom):
    page = report(ExportFilters(claim_ids=(newsroom.claims.pending.pk,), status=("approved",)))
    assert page.find_all("article") == []
    assert "No claims match these filters." in page.find("main").text()
    assert all(count == 0 for _, count, _ in chart(page).values())


def test_a_claim_occurring_twice_in_a_document_is_marked_twice_and_listed_once(db, editor, reviewer):
    sentence = "Rain fell for 40 days."
    text = f"{sentence} Then it stopped. {sentence}"
    second = text.rindex(sentence)
    spans = [Sentence(0, len(sentence), sentence), Sentence(second, second + len(sentence), sentence)]
    loaded = workflow.document_load(document=DocumentInput(text=text, title="Rain", sentences=spans))
    document = loaded.document
    claim = Claim.objects.get()
    workflow.claim_assign(claim_id=claim.pk, actor=editor)
    workflow.claim_set_verdict(claim_id=claim.pk, actor=editor, verdict="unverified", note="No gauge records.")
    workflow.claim_submit(claim_id=claim.pk, actor=editor)
    workflow.claim_approve(claim_id=claim.pk, actor=reviewer)
    page = report()
    assert [m.text() for m in page.find_all("mark", **{"class": "v-unverified"})] == [sentence, sentence]
    assert len(page.find("ol").find_all("li", id=f"claim-{document.pk}-{claim.pk}")) == 1
    ids = [element.attrs["id"] for element in page.iter() if "id" in element.attrs]
    assert len(ids) == len(set(ids))


# --- Triage ---------------------------------------------------------------------------------------


def paragraph(item, kind: str) -> str:
    """Return the text of the item's paragraph of class ``kind`` ("" when it has none)."""
    found = item.find_all("p", **{"class": kind})
    return found[0].text() if found else ""


def test_a_worded_claim_is_shown_in_its_wording_with_its_sentence_as_it_appears(triaged):
    page = report()
    briefing = article(page, triaged.briefing)
    worded = claim_item(page, triaged.briefing, triaged.worded)
    assert paragraph(worded, "checked") == COST_REWORDING
    assert paragraph(worded, "meta appears") == f"As it appears: “{COST_TEXT}”"
    assert [m.text() for m in briefing.find_all("mark")] == [COST_TEXT]  # the article's own words are marked
    [correction] = worded.find("div", **{"class": "corrections"}).find_all("li")
    assert correction.text() == (
        f"{triaged.worded.approved_at:%Y-%m-%d}: verified → verified. "
        f"Checked as “{COST_WORDING}”, now “{COST_REWORDING}”. {REWORDING_NOTE}"
    )
    # A claim without a wording is shown as it appears, once.
    plain = claim_item(page, triaged.newsroom.docs.report, triaged.newsroom.claims.approved)
    assert paragraph(plain, "checked") == triaged.newsroom.claims.approved.text
    assert paragraph(plain, "meta appears") == paragraph(plain, "meta triage") == ""


def test_closed_claims_are_left_out_of_the_report_unless_asked_for(triaged):
    closed = {f"claim-{triaged.briefing.pk}-{claim.pk}" for claim in triaged.closed}
    assert not closed & {li.attrs.get("id") for li in report().find_all("li")}
    page = report(ExportFilters.parse(include_closed=True, published=True))
    dismissed = claim_item(page, triaged.briefing, triaged.dismissed)
    assert paragraph(dismissed, "meta triage") == f"Dismissed: opinion ({DISMISSAL_NOTE})."
    assert dismissed.find("span", **{"class": "badge"}).text() == "no verdict yet"
    split = claim_item(page, triaged.briefing, triaged.split)
    first, second = (part.pk for part in triaged.parts)
    assert (paragraph(split, "checked"), paragraph(split, "meta triage")) == (
        SPLIT_TEXT,
        f"Split into claims {first}, {second}.",
    )
    # The merged claims' sentences are their survivor's: they are listed under it, not on their own.
    assert not page.find_all("li", id=f"claim-{triaged.briefing.pk}-{triaged.merged[0].pk}")


def test_the_links_of_triage_are_shown_on_the_claims_that_remain(triaged):
    page = report(ExportFilters.parse(status="pending", published=True))
    survivor = claim_item(page, triaged.briefing, triaged.survivor)
    merged = ", ".join(str(claim.pk) for claim in triaged.merged)
    assert paragraph(survivor, "checked") == TOLL_WORDING  # shown as it is: a report runs no formula
    assert paragraph(survivor, "meta triage") == f"Took in claims {merged}, merged into it."
    for part in triaged.parts:
        item = claim_item(page, triaged.briefing, part)
        assert paragraph(item, "meta triage") == f"Split from claim {triaged.split.pk}."
