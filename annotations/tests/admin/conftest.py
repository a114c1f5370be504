"""Helpers shared by the admin tests (the cast and the claims are in ../conftest.py)."""

import pytest
from django.urls import reverse

from annotations.models import Claim


def staff(client, user):
    """Give ``user`` staff status and sign ``client`` in as them; return the client."""
    user.is_staff = True
    user.save()
    client.force_login(user)
    return client


def claim_url(claim):
    return reverse("admin:annotations_claim_change", args=[claim.pk])


# Five claims of one article, by check-worthiness: the list shows them in this order (the tie by id).
RANKED = (
    ("The dam holds 40 million cubic metres of water.", 0.9),
    ("Its turbines produced 120 megawatts in 2023.", 0.8),
    ("The reservoir covers 12 square kilometres of the valley.", 0.8),
    ("Officials said the river rose by two metres in March.", 0.5),
    ("Rainfall in the valley was the highest since 1998.", 0.2),
)


@pytest.fixture
def ranked(load_document):
    """Load the claims of ``RANKED`` with their check-worthiness; return them in that order, pending."""
    sentences = [text for text, _worth in RANKED]
    load_document(" ".join(sentences), "Dam report", sentences)
    for text, worth in RANKED:
        Claim.objects.filter(text=text).update(checkworthiness=worth)
    return [Claim.objects.get(text=text) for text in sentences]
