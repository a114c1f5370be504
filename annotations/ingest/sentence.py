"""A check-worthy sentence of a document."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True)
class Sentence:
    """A sentence's span in the document and its normalised text (which identifies its claim)."""

    start: int
    end: int
    text: str

    @cached_property
    def text_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()
