"""A small newsroom for the export tests, put together through the workflow, and readers for each format.

``newsroom`` holds claims in every status: approved ones with web and passage evidence, one of
each verdict, one corrected after publication (approved, reopened, ruled again, approved with a
correction note), claims whose text, note, documents and people start like a spreadsheet formula,
a document full of markup, and a web article with all its metadata that changed after its claims
were ruled: its second version dropped one approved claim's sentence (kept, ``removed_in`` 2),
kept the first claim's (flagged ``source_changed_at``) and brought a new one; its language was
edited since. The exports are read back by parsing them, never by matching their bytes.
"""

import csv
import datetime
import hashlib
import io
import json
from contextlib import contextmanager
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from django.utils import timezone

from annotations import workflow
from annotations.exports import ExportFilters, export
from annotations.models import Claim
from annotations.tests.conftest import (
    CLAIM_TEXT,
    REPORT_TEXT,
    SECOND_CLAIM_TEXT,
    SURVEY_CLAIM_TEXT,
    SURVEY_TEXT,
    _user,
    document_input,
)

UTC = datetime.UTC
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Approvals are put at known moments (with microseconds, which the CSV drops) on days of their own.
FIRST_APPROVAL = datetime.datetime(2025, 3, 1, 9, 0, 0, 123456, tzinfo=UTC)
APPROVAL = datetime.datetime(2025, 3, 2, 10, 11, 12, 987654, tzinfo=UTC)

QUOTED_TEXT = 'The minister said "we have no plans"\nto build the dam.'
DAM_TEXT = "The dam would flood 40 villages."
FISH_TEXT = "Fish stocks fell by half in a decade."
SALMON_TEXT = "Salmon returned to the river in 2019."
LONGEST_TEXT = "The river is the longest in the country."
BRIDGE_TEXT = "The first bridge was built in 1820."
DIGEST_TEXT = "Weekly digest.\n" + " ".join(
    [CLAIM_TEXT, QUOTED_TEXT, DAM_TEXT, FISH_TEXT, SALMON_TEXT, LONGEST_TEXT, BRIDGE_TEXT]
)
MAYOR_TEXT = "The mayor said the <b>bridge</b> is 100 years old."
MARKUP_TEXT = f"Intro with <b>bold</b> words. <script>alert(1)</script> {MAYOR_TEXT} The end."
SAFE_CLAIMS = [
    "'Quoted' figures show 12 bridges.",
    "(Roughly) 40 people attended.",
    "Prices = costs plus 10 percent.",
    "#1 river in the region, says the mayor.",
]
SAFE_TEXT = " ".join(SAFE_CLAIMS)
CORRECTION_NOTE = "Rated disputed: the figure rose by a third, as the new release shows."
# A web article that changed: the cost went from its second version, the delay came in.
DAM_COST_TEXT = "The new dam will cost 2 billion dollars."
DAM_DELAY_TEXT = "Construction was delayed by two years."
DAM_FIRST_TEXT = f"Dam plans revised. {CLAIM_TEXT} {DAM_COST_TEXT} Work starts in spring, the council said."
DAM_TEXT_NOW = f"Dam plans revised again. {DAM_DELAY_TEXT} {CLAIM_TEXT} Work starts in autumn."
DAM_TITLE, DAM_TITLE_NOW = "Dam plans revised", "Dam plans revised: work delayed"
DAM_PUBLISHED_ON = datetime.date(2025, 2, 20)  # before the river report's, 2025-02-27


@contextmanager
def clock(moment):
    """Make the workflow's ``timezone.now()`` return ``moment`` inside the block."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: moment)
        yield


def load(text, title, sentences, *, url="", publisher="", published_on=None, **metadata):
    """Load a document through the workflow; its claims are the given substrings of ``text``."""
    document = document_input(text, title, sentences)
    document.url, document.publisher, document.published_on = url, publisher, published_on
    for name, value in metadata.items():  # author, language, origin
        setattr(document, name, value)
    return workflow.document_load(document=document).document


def work(claim, editor, *, verdict, note="", evidence=(), submit=True):
    """Have ``editor`` take the claim, rule ``verdict``, attach ``evidence`` (kwargs each) and submit."""
    workflow.claim_assign(claim_id=claim.pk, actor=editor)
    workflow.claim_set_verdict(claim_id=claim.pk, actor=editor, verdict=verdict, note=note)
    for item in evidence:
        workflow.evidence_add(claim_id=claim.pk, actor=editor, **item)
    if submit:
        workflow.claim_submit(claim_id=claim.pk, actor=editor)


def web(url, stance="supports", title=""):
    return {"url": url, "stance": stance, "title": title}


@pytest.fixture
def newsroom(db, django_user_model, editor, editor2, reviewer, reviewer2):
    """Documents with claims in every status, one corrected, some starting like formulas."""
    docs = SimpleNamespace(
        report=load(
            REPORT_TEXT, "River report", [CLAIM_TEXT, SECOND_CLAIM_TEXT],
            url="https://example.org/river", publisher="River Times", published_on=datetime.date(2025, 2, 27),
        ),
        survey=load(SURVEY_TEXT, "Plastic survey", [SURVEY_CLAIM_TEXT]),
        digest=load(
            DIGEST_TEXT, "River digest",
            [CLAIM_TEXT, QUOTED_TEXT, DAM_TEXT, FISH_TEXT, SALMON_TEXT, LONGEST_TEXT, BRIDGE_TEXT],
        ),
        markup=load(MARKUP_TEXT, "<i>Markup</i> & co", [MAYOR_TEXT], url="javascript:alert(1)"),
        safe=load(SAFE_TEXT, "#1 safe title", SAFE_CLAIMS, url="https://example.org/safe"),
        dam=load(
            DAM_FIRST_TEXT, DAM_TITLE, [CLAIM_TEXT, DAM_COST_TEXT], url="https://example.org/dam",
            publisher="Valley Herald", published_on=DAM_PUBLISHED_ON, author="Jo Reyes", language="en", origin="web",
        ),
    )  # fmt: skip
    claim = {claim.text: claim for claim in Claim.objects.all()}
    claims = SimpleNamespace(
        approved=claim[CLAIM_TEXT],  # verified, a web source and a passage; in the report and the digest
        corrected=claim[SECOND_CLAIM_TEXT],
        pending=claim[SURVEY_CLAIM_TEXT],
        in_review=claim[QUOTED_TEXT],
        returned=claim[DAM_TEXT],
        taken_over=claim[FISH_TEXT],  # submitted by editor1, returned, now editor2's
        in_progress=claim[SALMON_TEXT],
        disputed=claim[LONGEST_TEXT],
        unverified=claim[BRIDGE_TEXT],
        mayor=claim[MAYOR_TEXT],
        safe=[claim[text] for text in SAFE_CLAIMS],
        dam_cost=claim[DAM_COST_TEXT],  # approved, then its sentence left the article
    )

    with clock(APPROVAL):
        work(
            claims.approved, editor, verdict="verified", note="Matches the survey.",
            evidence=[
                web("https://example.org/survey", title="Survey page"),
                {"document": docs.survey.pk, "start": 0, "end": len(SURVEY_CLAIM_TEXT), "stance": "context"},
            ],
        )  # fmt: skip
        workflow.claim_approve(claim_id=claims.approved.pk, actor=reviewer)

    with clock(FIRST_APPROVAL):
        work(
            claims.corrected, editor, verdict="verified", note="Officials' own figures.",
            evidence=[web("https://example.org/officials")],
        )  # fmt: skip
        workflow.claim_approve(claim_id=claims.corrected.pk, actor=reviewer)
    workflow.claim_reopen(claim_id=claims.corrected.pk, actor=reviewer, reason="New figures were released.")
    workflow.claim_set_verdict(
        claim_id=claims.corrected.pk, actor=editor, verdict="disputed", note="The figure rose by a third."
    )
    workflow.evidence_add(
        claim_id=claims.corrected.pk, actor=editor, stance="refutes", url="https://example.org/new-figures"
    )
    workflow.claim_submit(claim_id=claims.corrected.pk, actor=editor)
    workflow.claim_approve(claim_id=claims.corrected.pk, actor=reviewer2, correction=CORRECTION_NOTE)

    work(
        claims.in_review, editor2, verdict="verified", note='Transcript: "no plans".\nSee minute 4.',
        evidence=[web("https://example.org/transcript")],
    )  # fmt: skip
    work(claims.returned, editor, verdict="disputed", evidence=[web("https://example.org/map", "refutes")])
    workflow.claim_return(claim_id=claims.returned.pk, actor=reviewer, comment="Cite the map's own page.")
    work(claims.taken_over, editor, verdict="unverified", note="Asked the fisheries office.")
    workflow.claim_return(claim_id=claims.taken_over.pk, actor=reviewer, comment="Ask the ministry too.")
    workflow.claim_assign(claim_id=claims.taken_over.pk, actor=editor2)
    work(claims.in_progress, editor2, verdict="unverified", submit=False)
    work(
        claims.disputed, editor, verdict="disputed", note="Shorter than the Ouse.",
        evidence=[web("https://example.org/ouse", "refutes")],
    )  # fmt: skip
    workflow.claim_approve(claim_id=claims.disputed.pk, actor=reviewer)
    work(claims.unverified, editor2, verdict="unverified", note="No records before 1850 survive.")
    workflow.claim_approve(claim_id=claims.unverified.pk, actor=reviewer)
    work(
        claims.mayor, editor, verdict="verified", note="Council records <b>confirm</b> it.",
        evidence=[web("https://example.org/council", title="Council <records>")],
    )  # fmt: skip
    workflow.claim_approve(claim_id=claims.mayor.pk, actor=reviewer)
    work(
        claims.dam_cost, editor2, verdict="disputed", note="The budget says 1.2 billion.",
        evidence=[web("https://example.org/budget", "refutes")],
    )  # fmt: skip
    workflow.claim_approve(claim_id=claims.dam_cost.pk, actor=reviewer)

    # The article changes: a second version (its cost gone, a delay new), then its language edited.
    new = document_input(DAM_TEXT_NOW, DAM_TITLE_NOW, [DAM_DELAY_TEXT, CLAIM_TEXT])
    new.origin, new.fetched_from = "web", "https://example.org/dam?page=1"
    workflow.document_new_version(document_id=docs.dam.pk, new=new, actor=editor)
    workflow.document_edit(document_id=docs.dam.pk, actor=editor2, language="en-GB")
    docs.dam.refresh_from_db()
    claims.dam_delay = Claim.objects.get(text=DAM_DELAY_TEXT)

    # One approved claim per formula start: its document's title, address and publisher, its text,
    # its note, its editor and its reviewer all start with it (notes lose leading whitespace).
    formulas = []
    for index, start in enumerate(FORMULA_STARTS):
        text = f"{start}Claim {index} says 10 dollars."
        document = load(
            f"{text} Filler sentence {index}.", f"{start}Sheet {index}", [text], url=f"{start}cmd|'/C calc'!A{index}",
            publisher=f"{start}Press {index}",
        )  # fmt: skip
        author = _user(django_user_model, f"{start}editor{index}", "editor")
        checker = _user(django_user_model, f"{start}reviewer{index}", "reviewer")
        formula = Claim.objects.get(text=text)
        work(
            formula, author, verdict="verified", note=f"{start}SUM(A1:A{index})",
            evidence=[web(f"https://example.org/formula/{index}")],
        )  # fmt: skip
        workflow.claim_approve(claim_id=formula.pk, actor=checker)
        formula.refresh_from_db()
        formulas.append(SimpleNamespace(start=start, claim=formula, document=document, editor=author, reviewer=checker))

    for name, value in vars(claims).items():
        if name != "safe":
            value.refresh_from_db()
    return SimpleNamespace(docs=docs, claims=claims, formulas=formulas)


# --- Triage: a council briefing whose claims were dismissed, merged, split and worded -----------------

OPINION_TEXT = "The new bridge is a disgrace to the whole town."
TOLL_TEXT = "The bridge toll rose to 4 dollars in May."
TOLL_AGAIN_TEXT = "Crossing the bridge has cost 4 dollars since May."
TOLL_THIRD_TEXT = "Drivers now pay 4 dollars to cross the bridge."
SPLIT_TEXT = "The bridge opened in 1990 and carries 20,000 cars a day."
SPLIT_PARTS = ["The bridge opened in 1990", "carries 20,000 cars a day."]
COST_TEXT = "It cost 30 million dollars to build."
BRIEFING_CLAIMS = [OPINION_TEXT, TOLL_TEXT, TOLL_AGAIN_TEXT, TOLL_THIRD_TEXT, SPLIT_TEXT, COST_TEXT]
BRIEFING_TEXT = "Council briefing. " + " ".join(BRIEFING_CLAIMS)
DISMISSAL_NOTE = "-An opinion: nothing to check."  # starts like a formula
TOLL_WORDING = "=4 dollars: the bridge toll since May, says the council."  # starts like a formula
COST_WORDING = "The town's new bridge cost 30 million dollars to build."
COST_REWORDING = "The town's new bridge cost 30 million dollars to build, the council's accounts show."
REWORDING_NOTE = "Reworded: the figure is the council's own."


@pytest.fixture
def triaged(newsroom, editor, reviewer, reviewer2):
    """The newsroom, and a council briefing whose claims were triaged through the workflow.

    One dismissed (with a note starting like a formula), two merged into a third (worded with a
    wording starting like a formula), one split into two new claims, and one worded, approved,
    reopened, reworded and approved again with a correction.
    """
    briefing = load(
        BRIEFING_TEXT, "Council briefing", BRIEFING_CLAIMS, url="https://example.org/briefing",
        publisher="Town Gazette", published_on=datetime.date(2025, 3, 3),
    )  # fmt: skip
    claim = {text: Claim.objects.get(text=text) for text in BRIEFING_CLAIMS}
    dismissed, survivor, split, worded = claim[OPINION_TEXT], claim[TOLL_TEXT], claim[SPLIT_TEXT], claim[COST_TEXT]
    merged = [claim[TOLL_AGAIN_TEXT], claim[TOLL_THIRD_TEXT]]
    workflow.claim_dismiss(claim_id=dismissed.pk, actor=editor, reason="opinion", note=DISMISSAL_NOTE)
    workflow.claim_set_wording(claim_id=survivor.pk, actor=editor, wording=TOLL_WORDING)
    workflow.claims_merge(claim_id=survivor.pk, actor=editor, claims=[c.pk for c in merged])
    parts = workflow.claim_split(claim_id=split.pk, actor=editor, parts=SPLIT_PARTS)
    workflow.claim_set_wording(claim_id=worded.pk, actor=editor, wording=COST_WORDING)
    work(
        worded,
        editor,
        verdict="verified",
        note="The council's accounts.",
        evidence=[web("https://example.org/accounts")],
    )
    workflow.claim_approve(claim_id=worded.pk, actor=reviewer)
    workflow.claim_reopen(claim_id=worded.pk, actor=reviewer, reason="Say whose figure it is.")
    workflow.claim_set_wording(claim_id=worded.pk, actor=editor, wording=COST_REWORDING)
    workflow.claim_submit(claim_id=worded.pk, actor=editor)
    workflow.claim_approve(claim_id=worded.pk, actor=reviewer2, correction=REWORDING_NOTE)
    for item in (dismissed, survivor, split, worded, *merged):
        item.refresh_from_db()
    return SimpleNamespace(
        newsroom=newsroom, briefing=briefing, dismissed=dismissed, survivor=survivor, merged=merged, split=split,
        parts=parts, worded=worded, closed=[dismissed, *merged, split],
    )  # fmt: skip


# --- Reading the exports back -----------------------------------------------------------------------


def exported(name, filters=None, **options) -> bytes:
    """Return the whole export ``name`` of ``filters`` (default: no filter) as bytes."""
    return b"".join(export(name, filters or ExportFilters(), **options))


def csv_table(data: bytes) -> tuple[list[str], list[dict]]:
    """Return the header and the rows (as dicts) of a CSV export."""
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    header, body = rows[0], rows[1:]
    return header, [dict(zip(header, row, strict=True)) for row in body]


def exported_ids(name: str, data: bytes) -> list[int]:
    """Return the ids of the claims in an export of format ``name``, read by parsing it."""
    if name == "csv":
        return [int(row["id"]) for row in csv_table(data)[1]]
    if name == "json":
        return [claim["id"] for claim in json.loads(data)["claims"]]
    if name == "jsonl":
        return [claim["id"] for claim in json_lines(data)]
    if name == "claimreview":
        return [int(item["url"].rstrip("/").rsplit("/", 1)[1]) for item in json.loads(data)]
    page = html_tree(data)
    return sorted({int(li.attrs["id"].rsplit("-", 1)[1]) for li in page.find_all("li") if "id" in li.attrs})


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def json_lines(data: bytes) -> list[dict]:
    text = data.decode()
    assert text == "" or text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def utc(text: str) -> datetime.datetime:
    """Return the moment an export wrote as ``YYYY-MM-DDTHH:MM:SS.ffffffZ``."""
    assert text.endswith("Z"), text
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Element:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    def __repr__(self):
        return f"<{self.tag} {self.attrs}>"

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def text(self) -> str:
        return "".join(child if isinstance(child, str) else child.text() for child in self.children)

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(self, tag=None, **attrs) -> list["Element"]:
        return [
            element
            for element in self.iter()
            if (tag is None or element.tag == tag) and all(element.attrs.get(k) == v for k, v in attrs.items())
        ]

    def find(self, tag=None, **attrs) -> "Element":
        """Return the one element that matches (it must be the only one)."""
        [element] = self.find_all(tag, **attrs)
        return element

    def first(self, tag=None, **attrs) -> "Element":
        return self.find_all(tag, **attrs)[0]


class _TreeBuilder(HTMLParser):
    """Build a tree of the page, refusing end tags that close nothing open."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Element("#document", [], None)

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs, self.current)
        self.current.children.append(element)
        if tag not in VOID_ELEMENTS:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, attrs, self.current))

    def handle_endtag(self, tag):
        assert self.current.tag == tag, f"</{tag}> closes <{self.current.tag}>"
        self.current = self.current.parent

    def handle_data(self, data):
        self.current.children.append(data)


def html_tree(data: bytes) -> Element:
    """Parse an HTML export into a tree of ``Element``; every element must be closed in order."""
    builder = _TreeBuilder()
    builder.feed(data.decode())
    builder.close()
    assert builder.current is builder.root, f"<{builder.current.tag}> is never closed"
    return builder.root
