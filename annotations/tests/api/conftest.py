"""Clients and helpers shared by the API tests (the cast is in ../conftest.py)."""

from contextlib import contextmanager

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from annotations import workflow
from annotations.models import Claim
from annotations.tests.conftest import document_input


@pytest.fixture
def api():
    """An anonymous API client."""
    return APIClient()


@pytest.fixture
def client_for():
    """Return a function giving an API client authenticated as ``user`` (anonymous for None)."""

    def make(user):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


def claim_url(claim, action=""):
    return f"/api/claims/{claim.pk}/" + (f"{action}/" if action else "")


def etag(claim):
    return f'"claim-{claim.pk}-v{claim.version}"'


def generated_sentences(count, topic="storm"):
    return [f"Report {topic} {i} says {i * 3 + 7} houses were damaged in the {topic}." for i in range(count)]


@pytest.fixture
def many_claims(db):
    """Return a function loading a generated document with ``count`` claims; gives their ids in order."""

    def load(count, *, topic="storm", title=None):
        sentences = generated_sentences(count, topic)
        result = workflow.document_load(
            document=document_input(" ".join(sentences), title or f"The {topic} report", sentences)
        )
        return list(Claim.objects.filter(pk__in=result.new_claim_ids).order_by("id").values_list("id", flat=True))

    return load


@pytest.fixture(autouse=True)
def fresh_throttles():
    """Start each test with empty throttle counters (they live in the cache, not the database)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def nothing_changes(claim_state):
    """Return a context manager asserting that the claim, its evidence and the whole history are as before."""

    @contextmanager
    def check(claim):
        before = claim_state(claim)
        yield
        assert claim_state(claim) == before

    return check


def refusal(response, status_code):
    """Assert the response is a JSON refusal with ``status_code``; return its body."""
    assert response.status_code == status_code, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()
