"""Optimistic concurrency: ETag and version on every claim answer; stale writes change nothing."""

import threading
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from rest_framework.test import APIClient

from annotations import workflow
from annotations.api.views import MSG_BAD_IF_MATCH
from annotations.models import Claim, ClaimStatus, ReviewEvent

from .conftest import claim_url, etag, refusal

IN_PROGRESS = ClaimStatus.IN_PROGRESS
IN_REVIEW = ClaimStatus.IN_REVIEW
APPROVED = ClaimStatus.APPROVED


@pytest.fixture
def working(claim, advance):
    """The claim assigned to the editor, with a verdict and one web source."""
    return advance(claim, IN_PROGRESS)


@pytest.mark.django_db
def test_the_claim_detail_carries_its_etag_and_version(client_for, cast, working):
    response = client_for(cast.editor).get(claim_url(working))
    assert response["ETag"] == f'"claim-{working.pk}-v{working.version}"'
    assert response.json()["version"] == working.version == 4


@pytest.mark.django_db
def test_each_write_answers_the_new_etag(client_for, cast, working):
    client = client_for(cast.editor)
    url = claim_url(working, "verdict")
    first = client.post(url, {"verdict": "disputed"}, format="json", HTTP_IF_MATCH=etag(working))
    assert first.status_code == 200
    assert first["ETag"] == f'"claim-{working.pk}-v5"'
    second = client.post(url, {"verdict": "verified"}, format="json", HTTP_IF_MATCH=first["ETag"])
    assert second.status_code == 200
    assert second["ETag"] == f'"claim-{working.pk}-v6"'
    assert second.json()["version"] == 6


@pytest.mark.django_db
@pytest.mark.parametrize("if_match", ["ETAG", "VERSION"], ids=["etag", "bare version"])
def test_an_if_match_of_the_current_version_lets_the_write_through(client_for, cast, working, one_new_event, if_match):
    if_match = if_match.replace("ETAG", etag(working)).replace("VERSION", str(working.version))
    with one_new_event() as recorded:
        response = client_for(cast.editor).post(
            claim_url(working, "verdict"), {"verdict": "disputed"}, format="json", HTTP_IF_MATCH=if_match
        )
    assert response.status_code == 200, response.content
    assert recorded.event.action == "verdict_set"
    assert Claim.objects.get(pk=working.pk).verdict == "disputed"


# write: (the claim's status, who writes, method, url, body)
STALE_WRITES = {
    "assign": (IN_PROGRESS, "editor2", "post", lambda c: claim_url(c, "assign"), {}),
    "verdict": (IN_PROGRESS, "editor", "post", lambda c: claim_url(c, "verdict"), {"verdict": "disputed"}),
    "add evidence": (
        IN_PROGRESS, "editor", "post", lambda c: claim_url(c, "evidence"),
        {"stance": "refutes", "url": "https://example.org/"},
    ),
    "remove evidence": (IN_PROGRESS, "editor", "delete", lambda c: f"/api/evidence/{c.evidence.get().pk}/", None),
    "submit": (IN_PROGRESS, "editor", "post", lambda c: claim_url(c, "submit"), {}),
    "approve": (IN_REVIEW, "reviewer", "post", lambda c: claim_url(c, "approve"), {}),
    "return": (IN_REVIEW, "reviewer", "post", lambda c: claim_url(c, "return"), {"comment": "Cite it."}),
    "reopen": (APPROVED, "reviewer", "post", lambda c: claim_url(c, "reopen"), {"reason": "A correction."}),
}  # fmt: skip


@pytest.fixture(params=list(STALE_WRITES))
def stale_write(request, claim, advance, cast, client_for):
    """A write of each kind, its claim brought to where the write would succeed."""
    status, who, method, url, body = STALE_WRITES[request.param]
    claim = advance(claim, status)
    return SimpleNamespace(claim=claim, client=client_for(getattr(cast, who)), method=method, url=url(claim), body=body)


@pytest.mark.django_db
def test_a_stale_if_match_is_412_and_changes_nothing(stale_write, nothing_changes):
    claim = stale_write.claim
    headers = {"HTTP_IF_MATCH": f'"claim-{claim.pk}-v{claim.version - 1}"'}
    with nothing_changes(claim):
        if stale_write.method == "delete":
            response = stale_write.client.delete(stale_write.url, **headers)
        else:
            response = stale_write.client.post(stale_write.url, stale_write.body, format="json", **headers)
    assert refusal(response, 412) == {
        "detail": workflow.MSG_STALE.format(expected=claim.version - 1, current=claim.version),
        "code": "precondition_failed",
    }


@pytest.mark.django_db
def test_a_stale_version_field_is_409_and_changes_nothing(stale_write, nothing_changes):
    claim = stale_write.claim
    with nothing_changes(claim):
        if stale_write.method == "delete":
            response = stale_write.client.delete(f"{stale_write.url}?version={claim.version - 1}")
        else:
            body = {**stale_write.body, "version": claim.version - 1}
            response = stale_write.client.post(stale_write.url, body, format="json")
    assert refusal(response, 409) == {
        "detail": workflow.MSG_STALE.format(expected=claim.version - 1, current=claim.version),
        "code": "conflict",
    }


@pytest.mark.django_db
def test_the_current_if_match_lets_each_write_through(stale_write):
    claim = stale_write.claim
    headers = {"HTTP_IF_MATCH": etag(claim)}
    if stale_write.method == "delete":
        response = stale_write.client.delete(stale_write.url, **headers)
    else:
        response = stale_write.client.post(stale_write.url, stale_write.body, format="json", **headers)
    assert response.status_code in (200, 201), response.content
    assert response["ETag"] == f'"claim-{claim.pk}-v{claim.version + 1}"'
    assert response.json()["version"] == claim.version + 1


@pytest.mark.django_db
def test_the_current_version_field_lets_the_write_through(client_for, cast, working):
    response = client_for(cast.editor).post(
        claim_url(working, "verdict"), {"verdict": "disputed", "version": working.version}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["version"] == working.version + 1


@pytest.mark.django_db
@pytest.mark.parametrize("if_match", ["claim-v4", '"abc"', '"claim-x-v4"', '"claim-1-v4", "claim-1-v5"', "4.0"])
def test_a_malformed_if_match_is_400_and_changes_nothing(client_for, cast, working, nothing_changes, if_match):
    with nothing_changes(working):
        response = client_for(cast.editor).post(
            claim_url(working, "verdict"), {"verdict": "disputed"}, format="json", HTTP_IF_MATCH=if_match
        )
    assert refusal(response, 400)["detail"] == MSG_BAD_IF_MATCH


@pytest.mark.django_db
def test_the_etag_of_another_claim_never_matches(client_for, cast, working, documents, nothing_changes):
    """An If-Match naming claim B must not pass for claim A, even when their versions are equal."""
    other = Claim.objects.exclude(pk=working.pk).first()
    with nothing_changes(working):
        response = client_for(cast.editor).post(
            claim_url(working, "verdict"),
            {"verdict": "disputed"},
            format="json",
            HTTP_IF_MATCH=f'"claim-{other.pk}-v{working.version}"',
        )
    assert refusal(response, 412)["code"] == "precondition_failed"


# --- Simultaneous writes (PostgreSQL) -------------------------------------------------------------

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite has no row locks (SELECT ... FOR UPDATE) for requests to contend on",
)
VERDICTS = ["verified", "disputed", "unverified", "verified", "disputed", "unverified"]


def race(claim_id, user_id, version, tag):
    """Fire one verdict per entry of VERDICTS at the claim at once; return each response."""
    start = threading.Barrier(len(VERDICTS))
    results = [None] * len(VERDICTS)

    def send(index):
        try:
            client = APIClient()
            client.force_authenticate(get_user_model().objects.get(pk=user_id))
            start.wait(timeout=10)
            response = client.post(
                f"/api/claims/{claim_id}/verdict/",
                {"verdict": VERDICTS[index], "note": f"{tag} tab {index}."},
                format="json",
                HTTP_IF_MATCH=f'"claim-{claim_id}-v{version}"',
            )
            results[index] = (response.status_code, response.json())
        except Exception as error:  # reported by the caller's assertions
            results[index] = (None, repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(VERDICTS))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


@pytest.mark.postgres_only
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_verdicts_with_one_if_match_let_exactly_one_through(claim, editor):
    workflow.claim_assign(claim_id=claim.pk, actor=editor)
    seen = Claim.objects.get(pk=claim.pk).version

    results = race(claim.pk, editor.pk, seen, "Only")

    codes = [code for code, _body in results]
    assert sorted(codes) == [200] + [412] * (len(VERDICTS) - 1), results
    stale = workflow.MSG_STALE.format(expected=seen, current=seen + 1)
    assert all(body["detail"] == stale for code, body in results if code == 412)
    winner = codes.index(200)
    assert results[winner][1]["version"] == seen + 1
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.verdict, stored.note, stored.version) == (VERDICTS[winner], f"Only tab {winner}.", seen + 1)
    [event] = ReviewEvent.objects.filter(claim=claim, action="verdict_set")
    assert (event.actor_id, event.verdict_after, event.claim_version) == (editor.pk, VERDICTS[winner], seen + 1)


@pytest.mark.postgres_only
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_rounds_of_simultaneous_verdicts_keep_exactly_the_winners_in_order(claim, editor):
    workflow.claim_assign(claim_id=claim.pk, actor=editor)
    version = Claim.objects.get(pk=claim.pk).version
    winners = []
    for round_number in range(5):
        results = race(claim.pk, editor.pk, version, f"Round {round_number}")
        codes = [code for code, _body in results]
        assert sorted(codes) == [200] + [412] * (len(VERDICTS) - 1), (round_number, results)
        winner = codes.index(200)
        winners.append((VERDICTS[winner], f"Round {round_number} tab {winner}.", version + 1))
        version = results[winner][1]["version"]
        assert version == winners[-1][2]

    events = ReviewEvent.objects.filter(claim=claim, action="verdict_set").order_by("id")
    assert [(e.verdict_after, e.details["note_after"], e.claim_version) for e in events] == winners
    assert all(e.actor_id == editor.pk for e in events)
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.verdict, stored.note, stored.version) == winners[-1]
    history = [e.action for e in ReviewEvent.objects.filter(claim=claim).order_by("id")]
    assert history == ["created", "assigned"] + ["verdict_set"] * 5
