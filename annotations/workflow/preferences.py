"""The desk's per-user settings: whether the claim page opens the next claim after an action."""

from __future__ import annotations

from ..models import DeskPreference


def stays_on_claim(user) -> bool:
    """Return whether ``user`` asked to stay on a claim after submit, approve, return or dismiss."""
    return DeskPreference.objects.filter(user=user, stay_on_claim=True).exists()


def desk_preference_set(*, actor, stay_on_claim: bool) -> DeskPreference:
    """Set whether ``actor`` stays on a claim after an action (True) or goes on to the next (False)."""
    preference, _ = DeskPreference.objects.update_or_create(user=actor, defaults={"stay_on_claim": stay_on_claim})
    return preference
