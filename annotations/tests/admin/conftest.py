"""Helpers shared by the admin tests (the cast and the claims are in ../conftest.py)."""

from django.urls import reverse


def staff(client, user):
    """Give ``user`` staff status and sign ``client`` in as them; return the client."""
    user.is_staff = True
    user.save()
    client.force_login(user)
    return client


def claim_url(claim):
    return reverse("admin:annotations_claim_change", args=[claim.pk])
