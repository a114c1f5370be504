"""A check-worthy sentence of a document."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property


def text_hash(text: str) -> str:
    """Return the SHA-256 of a normalised claim text: what identifies its claim."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Sentence:
    """A sentence's span in the document and its normalised text (which identifies its claim)."""

    start: int
    end: int
    text: str

    @cached_property
    def text_hash(self) -> str:
        return text_hash(self.text)
