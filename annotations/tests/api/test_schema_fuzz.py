"""Fuzz every API operation against the OpenAPI schema the API publishes (schemathesis, in-process).

The schema is fetched from ``/api/schema/`` through the WSGI application. Each operation then gets
a bounded number of generated requests (schema-valid and schema-invalid ones, most of them aimed at
rows that exist), sent through the same application with a reviewer's or an editor's token. The
generation is derandomized, so a run repeats the same requests and a failure reproduces. Three
tests read the answers: no server error; each answer's body and content type as the schema
declares for its status; and no status the schema does not declare.

The requests go through Django's WSGI handler, not the test client, and the handler closes a
connection left inside a transaction: hence ``transaction=True`` (the data is committed, and the
database flushed afterwards).
"""

from collections import Counter

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from annotations import workflow
from annotations.models import Claim, ClaimStatus, Evidence, Feed, Import, SourceDocument
from annotations.tests.conftest import SURVEY_TEXT, run_queued_jobs
from annotations.vocabulary import CLOSED_STATUSES

EXAMPLES_PER_OPERATION = 25
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,  # the same requests on every run
    deadline=None,  # a request's time is the database's, not the generator's
    database=None,  # keep no example database in the working tree
    phases=[Phase.explicit, Phase.generate, Phase.shrink],  # no "explain": it reruns failures
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)
MORE_CLAIMS = [
    "The mayor said the clean-up cost 4 million euros.",
    "Volunteers collected 12 tonnes of waste in May.",
    "The port handles 300 ships a week.",
    "Fishing catches fell by a third in ten years.",
]


@pytest.fixture
def tokens(editor, reviewer):
    return {"reviewer": Token.objects.create(user=reviewer).key, "editor": Token.objects.create(user=editor).key}


# Claims closed in triage: one dismissed, one merged into the first pending claim, one split in two.
TRIAGED_CLAIMS = [
    "The ferry carried 900 passengers on its first day.",
    "The ferry carried nine hundred passengers on day one.",
    "The quay was rebuilt in 2019 and it cost 8 million euros.",
]


@pytest.fixture
def claim_ids(documents, load_document, advance, editor):
    """Claims in every status (three pending, each closed one) and evidence of both kinds; return their ids."""
    load_document(" ".join(MORE_CLAIMS), "Harbour report", MORE_CLAIMS)
    claims = list(Claim.objects.order_by("id"))
    worked_on = [status for status in ClaimStatus.values if status not in (ClaimStatus.PENDING, *CLOSED_STATUSES)]
    for claim, status in zip(claims, worked_on, strict=False):
        advance(claim, status)
    load_document(" ".join(TRIAGED_CLAIMS), "Ferry report", TRIAGED_CLAIMS)
    dismissed, merged, split = (Claim.objects.get(text=text).pk for text in TRIAGED_CLAIMS)
    pending = Claim.objects.filter(status=ClaimStatus.PENDING).order_by("id").values_list("id", flat=True)[0]
    workflow.claim_dismiss(claim_id=dismissed, actor=editor, reason="duplicate")
    workflow.claims_merge(claim_id=pending, actor=editor, claims=[merged])
    workflow.claim_split(
        claim_id=split, actor=editor, parts=["The quay was rebuilt in 2019", "it cost 8 million euros."]
    )
    claims = list(Claim.objects.order_by("id"))
    workflow.evidence_add(
        claim_id=claims[0].pk, actor=editor, stance="context", document=documents.survey.pk,
        start=0, end=len(SURVEY_TEXT) // 2, title="The survey's opening",
    )  # fmt: skip
    return [claim.pk for claim in claims]


@pytest.fixture
def intake_rows(claim_ids, editor):
    """An import with a refused item (so it can be retried), a queued one, and a feed (its check not run)."""
    workflow.import_upload(actor=editor, files=[("blank.txt", b"  "), ("harbour.txt", " ".join(MORE_CLAIMS).encode())])
    run_queued_jobs()
    workflow.import_paste(actor=editor, text=MORE_CLAIMS[0], title="Queued")
    workflow.feed_add(actor=editor, url="https://courier.example/feed.xml")


def existing_ids(path, claim_ids):
    if path.startswith("/api/claims/{id}"):
        return claim_ids
    if path.startswith("/api/documents/{id}"):
        return list(SourceDocument.objects.values_list("id", flat=True))
    if path.startswith("/api/evidence/{id}"):
        return list(Evidence.objects.values_list("id", flat=True))
    if path.startswith("/api/imports/{id}"):
        return list(Import.objects.values_list("id", flat=True))
    if path.startswith("/api/feeds/{id}"):
        return list(Feed.objects.values_list("id", flat=True))
    return []


def accepted_request(label):
    """Return a claim and a body its merge or split accepts (two pending claims; a pending claim's halves)."""
    pending = list(Claim.objects.filter(status=ClaimStatus.PENDING, verdict="").order_by("id")[:2])
    if label == "POST /api/claims/{id}/merge/" and len(pending) == 2:
        return pending[0], {"claims": [pending[1].pk]}
    if label == "POST /api/claims/{id}/split/" and pending:
        words = pending[0].text.split(" ")
        half = len(words) // 2
        return pending[0], {"parts": [" ".join(words[:half]), " ".join(words[half:])]}
    return None


def requests_for(operation, ids):
    """Return generated requests for ``operation``: valid and invalid ones, plus valid ones on real rows.

    The schema does not say which values the ``assignee`` filter takes, so generated ones are
    nearly always refused; requests with each accepted kind of value are added so that the list's
    other parameters (search, ordering, cursor, page size) reach the database too.
    """
    strategies = [operation.as_strategy(generation_mode=mode) for mode in GenerationMode]
    strategies += [operation.as_strategy(path_parameters={"id": pk}) for pk in ids]
    if operation.get_parameter("assignee", "query") is not None:
        strategies += [operation.as_strategy(query={"assignee": value}) for value in ("me", "none")]
    # Generated bodies are nearly all refused: some that are accepted, so that the answers are checked too.
    bodies = {
        "POST /api/documents/": [
            {"text": MORE_CLAIMS[1], "title": "Pasted"},
            {"url": "https://courier.example/news/1"},
        ],
        "POST /api/feeds/": [{"url": "https://courier.example/sport.xml"}],
    }.get(operation.label, [])
    strategies += [operation.as_strategy(body=body, media_type="application/json") for body in bodies]
    # Merge and split need a body that fits the claim in the address (and its current ETag, or a
    # generated If-Match refuses it): one such request each, first, so that it is the first sent.
    accepted = accepted_request(operation.label)
    if accepted is not None:
        claim, body = accepted
        strategies.insert(
            0,
            operation.as_strategy(
                path_parameters={"id": claim.pk}, headers={"If-Match": f'"claim-{claim.pk}-v{claim.version}"'},
                body=body, media_type="application/json",
            ),
        )  # fmt: skip
    return st.one_of(*strategies)


def fuzz(tokens, claim_ids, checks):
    """Send every operation its requests and run ``checks`` on each answer.

    Return the failures by operation and the status codes each operation answered with.
    """
    application = get_wsgi_application()
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    results = list(schema.get_all_operations())
    unreadable = [result.err() for result in results if hasattr(result, "err")]
    assert not unreadable, f"operations the schema describes in a way schemathesis cannot read: {unreadable}"
    operations = [result.ok() for result in results]
    failures, statuses = {}, {}
    for operation in operations:
        seen = statuses.setdefault(operation, Counter())
        ids = existing_ids(operation.path, claim_ids)

        @FUZZ_SETTINGS
        @given(case=requests_for(operation, ids), user=st.sampled_from(sorted(tokens)))
        def run(case, user):
            headers = {"Authorization": f"Token {tokens[user]}"}
            response = case.call(headers=headers)
            seen[response.status_code] += 1  # noqa: B023 - run() is called in this same iteration
            if checks:  # (none means schemathesis's default set)
                case.validate_response(response, checks=checks, headers=headers)

        try:
            run()
        except (Exception, BaseExceptionGroup) as error:  # report every operation, not just the first
            failures[operation.label] = error
    print(f"{sum(sum(seen.values()) for seen in statuses.values())} requests, {len(operations)} operations:")
    for operation, seen in statuses.items():
        print(f"  {operation.label}: {dict(sorted(seen.items()))}")
    return failures, statuses


def report(failures):
    return f"{len(failures)} operations failed:\n\n" + "\n\n".join(
        f"== {label}\n{error}" for label, error in failures.items()
    )


@pytest.mark.django_db(transaction=True)
def test_no_request_makes_a_server_error(tokens, claim_ids, intake_rows):
    failures, _ = fuzz(tokens, claim_ids, [not_a_server_error])
    assert not failures, report(failures)


@pytest.mark.django_db(transaction=True)
def test_responses_match_the_schema(tokens, claim_ids, intake_rows):
    failures, _ = fuzz(tokens, claim_ids, [content_type_conformance, response_schema_conformance])
    assert not failures, report(failures)


@pytest.mark.django_db(transaction=True)
def test_every_status_code_is_declared(tokens, claim_ids, intake_rows):
    # Every status each operation answered with, rather than schemathesis's first one per operation.
    _, statuses = fuzz(tokens, claim_ids, checks=[])
    undeclared = {
        operation.label: f"answered {sorted(seen)}, declares {sorted(operation.responses.status_codes)}"
        for operation, seen in statuses.items()
        if {str(status) for status in seen} - set(operation.responses.status_codes)
    }
    assert not undeclared, "\n".join(f"{label}: {text}" for label, text in undeclared.items())
