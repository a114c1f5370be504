"""The seed articles loaded with the loader, and the labels of their claims."""

from pathlib import Path

import pytest
from django.conf import settings

from annotations.models import Claim
from annotations.workflow import load_paths

SEEDS = Path(settings.FACTCHECK_SEEDS_DIR)

# Claims of the two seed articles, named by a phrase only they hold: A is the BBC's article (000),
# B the Associated Press's (003).
A = {
    "32 killed": "32 of its nationals were killed",
    "mourning": "declaring two days of national mourning",
    "fierce resistance": "'fell, after fierce resistance",
    "ally": "a long-standing ally of Venezuela",
    "protection": "providing protection to Maduro",
    "spies": "US spies had been tracking",
    "movements": "aware of where Maduro moved",
    "CIA source": "the CIA had a 'Venezuelan source'",
    "security detail": "Many of the fatalities",
    "unconfirmed": "Venezuela has not confirmed the number of casualties",
    "dignity": "An official statement from the Cuban government read",
    "toll of 80": "death toll has been reported to stand at 80",
    "speculation": "speculation has emerged",
    "ready to fall": "'Cuba is ready to fall'",
    "restrictions": "reinforced restrictions on Cuba",
    "embargo": "The economic embargo",
}
B = {
    "flags": "waves Venezuelan and Cuban national flags",
    "32 killed": "killed 32 Cuban officers",
    "request": "on a mission the Caribbean country",
    "ally": "What the Cubans were working on",
    "rumors": "Rumors of the deaths",
    "Trump: a lot killed": "a lot of Cubans were killed yesterday",
    "Trump: no death": "There was a lot of death on the other side",
    "seized": "seized Venezuelan President Nicolás Maduro and his wife",
    "unconfirmed": "did not confirm how many were killed",
    "mourning": "announced two days of mourning",
    "names": "The names of the dead",
    "dignity": "fulfilled their duty with dignity and heroism and fell",
    "Rubio": "the son of Cuban immigrants",
    "guards": "All the guards that help protect Maduro",
}


@pytest.fixture
def seeds(db):
    """Load both seed articles with the loader; return a function giving a claim's id by its label."""
    load_paths([SEEDS])

    def claim(side, label):
        phrase = (A if side == "A" else B)[label]
        return Claim.objects.get(text__contains=phrase).pk

    return claim
