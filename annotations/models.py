"""The fact-check data model.

A SourceDocument is an article, loaded once and kept in versions when it changes (DocumentVersion);
each check-worthy sentence in it becomes a Claim (one per distinct normalised text) with a
ClaimOccurrence per place it appears. Editors attach Evidence and rule a verdict; every change is
recorded as a ReviewEvent (a document's own changes as DocumentEvents). Articles come in through
Imports, run as background jobs, some of them from Feeds. Writes go through ``annotations.workflow``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone


class Origin(models.TextChoices):
    FILE = "file", "File on the server"
    PASTE = "paste", "Pasted"
    UPLOAD = "upload", "Uploaded"
    WEB = "web", "Web address"
    FEED = "feed", "Feed"


class SourceDocument(models.Model):
    title = models.CharField(max_length=500)
    publisher = models.CharField(max_length=200, blank=True)
    author = models.CharField(max_length=300, blank=True)
    url = models.URLField(max_length=2000, blank=True, help_text="The article's address (canonical if it gives one).")
    published_on = models.DateField(null=True, blank=True)
    language = models.CharField(max_length=35, blank=True, help_text="As the page declares it, e.g. en.")
    file_name = models.CharField(max_length=255, blank=True)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.FILE)
    text = models.TextField(help_text="The text of the current version, exactly as loaded.")
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of the text.")
    version = models.PositiveIntegerField(default=1, help_text="The current version (DocumentVersion).")
    revision = models.PositiveIntegerField(default=1, help_text="Bumped by every change: a new version, an edit.")
    loaded_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now, help_text="When its text or metadata last changed.")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["content_hash"], name="document_content_hash_unique"),
            models.CheckConstraint(condition=Q(origin__in=Origin.values), name="document_origin_valid"),
            models.CheckConstraint(condition=Q(version__gte=1), name="document_version_positive"),
        ]
        indexes = [models.Index(fields=["url"], name="document_url_idx", condition=~Q(url=""))]

    def __str__(self):
        return self.title


class DocumentVersion(models.Model):
    """One text of an article as it was loaded: the first, and each later one that differed.

    Written once (``workflow.loading``); the document's ``text`` is its current version's.
    """

    document = models.ForeignKey(SourceDocument, on_delete=models.PROTECT, related_name="versions", db_index=False)
    number = models.PositiveIntegerField()
    text = models.TextField()
    content_hash = models.CharField(max_length=64)
    html = models.TextField(blank=True, help_text="The page as fetched, for provenance (web and feed articles).")
    url = models.URLField(max_length=2000, blank=True, help_text="The address it was fetched from, if any.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["document_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="document_version_number_positive"),
        ]
        indexes = [models.Index(fields=["url"], name="document_version_url_idx", condition=~Q(url=""))]

    def __str__(self):
        return f"Document {self.document_id}, version {self.number}"


class ClaimStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    IN_PROGRESS = "in_progress", "In progress"
    IN_REVIEW = "in_review", "In review"
    RETURNED = "returned", "Returned"
    APPROVED = "approved", "Approved"
    # Closed in triage: out of the queue and the default lists, kept with their history.
    DISMISSED = "dismissed", "Dismissed"
    MERGED = "merged", "Merged"
    SPLIT = "split", "Split"


class DismissalReason(models.TextChoices):
    OPINION = "opinion", "Opinion"
    NOT_FACTUAL = "not_factual", "Not a factual statement"
    FURNITURE = "furniture", "Page furniture"
    DUPLICATE = "duplicate", "Duplicate of another claim"
    OUT_OF_SCOPE = "out_of_scope", "Out of scope"


class Verdict(models.TextChoices):
    VERIFIED = "verified", "Verified"
    DISPUTED = "disputed", "Disputed"
    UNVERIFIED = "unverified", "Unverified"


class Stance(models.TextChoices):
    SUPPORTS = "supports", "Supports"
    REFUTES = "refutes", "Refutes"
    CONTEXT = "context", "Context"


class Action(models.TextChoices):
    CREATED = "created", "Created"
    ASSIGNED = "assigned", "Assigned"
    VERDICT_SET = "verdict_set", "Verdict set"
    EVIDENCE_ADDED = "evidence_added", "Evidence added"
    EVIDENCE_REMOVED = "evidence_removed", "Evidence removed"
    SUBMITTED = "submitted", "Submitted for review"
    APPROVED = "approved", "Approved"
    RETURNED = "returned", "Returned"
    REOPENED = "reopened", "Reopened"
    COMMENTED = "commented", "Commented"
    SOURCE_CHANGED = "source_changed", "Source changed"
    DISMISSED = "dismissed", "Dismissed"
    RESTORED = "restored", "Restored"
    WORDING_SET = "wording_set", "Wording edited"
    MERGED_FROM = "merged_from", "Claims merged in"
    MERGED_INTO = "merged_into", "Merged into another claim"
    SPLIT = "split", "Split into claims"


class Claim(models.Model):
    Status = ClaimStatus
    Verdict = Verdict

    text = models.TextField(help_text="The statement, whitespace and quotes normalised.")
    text_hash = models.CharField(max_length=64, help_text="SHA-256 of the normalised text.")
    wording = models.TextField(
        blank=True,
        help_text="The claim as it is checked, reworded to stand on its own; empty: its text as it appears.",
    )
    # Searched with a case-sensitive LIKE: several times cheaper than a case-insensitive match
    # over the whole table, and indexed by trigrams on PostgreSQL (migration 0002).
    search_text = models.GeneratedField(expression=Lower("text"), output_field=models.TextField(), db_persist=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    verdict = models.CharField(max_length=20, choices=Verdict.choices, blank=True, default="")
    note = models.TextField(blank=True, help_text="The editor's note on the verdict.")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_claims",
        db_index=False,  # claim_assignee_idx (assignee, status) serves it
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="submitted_claims",
        db_index=False,  # only read beside status, which is indexed
        help_text="Who submitted the verdict under review (they may not approve it).",
    )
    version = models.PositiveIntegerField(default=1, help_text="Bumped by every change.")
    # What was last published: set by each approval, kept while the claim is reopened, so that a
    # re-approval that changes it is known to be a correction.
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approved_claims",
        db_index=False,  # read beside the claim, never searched by
        help_text="The reviewer of the latest approval.",
    )
    approved_at = models.DateTimeField(null=True, blank=True, help_text="When it was last approved.")
    published_at = models.DateTimeField(null=True, blank=True, help_text="When it was first approved.")
    published_verdict = models.CharField(max_length=20, choices=Verdict.choices, blank=True, default="")
    published_note = models.TextField(blank=True)
    # Check-worthiness signals, computed from the text when the claim is first loaded.
    has_number = models.BooleanField(default=False, help_text="States a number: a count, a toll, a date.")
    has_quote = models.BooleanField(default=False, help_text="Contains a quotation.")
    speaker = models.CharField(
        max_length=200, blank=True, help_text='Who the claim is attributed to ("the Cuban government"), if anyone.'
    )
    checkworthiness = models.FloatField(
        default=0.0, help_text="How worth checking, from 0 to 1 (ingest.checkworthiness), computed at load."
    )
    checkworthiness_features = models.JSONField(
        default=list, blank=True, help_text="What raised or lowered the score: [feature, weight, words found]."
    )
    published_wording = models.TextField(blank=True, help_text="The wording of the latest approval.")
    # Triage
    dismissal_reason = models.CharField(max_length=20, choices=DismissalReason.choices, blank=True, default="")
    dismissal_note = models.TextField(blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_claims",
        help_text="The claim that took over this one's occurrences and evidence.",
    )  # fmt: skip
    split_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="split_parts",
        help_text="The claim this one was split from.",
    )  # fmt: skip
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    source_changed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When an article it appears in changed after its verdict was ruled; cleared by the next ruling.",
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["text_hash"], name="claim_text_hash_unique"),
            models.CheckConstraint(condition=Q(status__in=ClaimStatus.values), name="claim_status_valid"),
            models.CheckConstraint(
                condition=Q(verdict__in=["", *Verdict.values]),
                name="claim_verdict_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[ClaimStatus.IN_REVIEW, ClaimStatus.APPROVED]) | ~Q(verdict=""),
                name="claim_reviewed_has_verdict",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="claim_version_positive"),
            models.CheckConstraint(
                condition=Q(published_verdict__in=["", *Verdict.values]), name="claim_published_verdict_valid"
            ),
            models.CheckConstraint(
                condition=Q(approved_at__isnull=True) | Q(published_at__isnull=False, approved_by__isnull=False),
                name="claim_approval_complete",
            ),
            models.CheckConstraint(
                condition=Q(dismissal_reason__in=["", *DismissalReason.values]), name="claim_dismissal_reason_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=ClaimStatus.DISMISSED) | ~Q(dismissal_reason=""), name="claim_dismissed_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(status=ClaimStatus.MERGED, merged_into__isnull=False)
                | (~Q(status=ClaimStatus.MERGED) & Q(merged_into__isnull=True)),
                name="claim_merged_has_survivor",
            ),
            models.CheckConstraint(condition=~Q(merged_into=models.F("id")), name="claim_not_merged_into_itself"),
            models.CheckConstraint(
                condition=Q(checkworthiness__gte=0) & Q(checkworthiness__lte=1), name="claim_checkworthiness_range"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "id"], name="claim_status_idx"),
            models.Index(fields=["assignee", "status"], name="claim_assignee_idx"),
            # The default lists: claims still in the workflow, most worth checking first.
            models.Index(
                fields=["-checkworthiness", "id"],
                name="claim_worth_idx",
                condition=~Q(status__in=["dismissed", "merged", "split"]),
            ),
        ]

    def __str__(self):
        text = self.checked_text
        return text if len(text) <= 80 else text[:79] + "…"

    @property
    def checked_text(self) -> str:
        """The claim as it is checked: its wording if an editor gave one, else its text."""
        return self.wording or self.text


class ClaimOccurrence(models.Model):
    claim = models.ForeignKey(
        Claim,
        on_delete=models.PROTECT,
        related_name="occurrences",
        db_index=False,  # occurrence_claim_idx (claim, document, position) serves it, in the order read
    )
    document = models.ForeignKey(
        SourceDocument,
        on_delete=models.PROTECT,
        related_name="occurrences",
        db_index=False,  # occurrence_document_position_unique (document, version, position, claim) serves it
    )
    start = models.PositiveIntegerField(help_text="Offset of the first character in the text.")
    end = models.PositiveIntegerField(help_text="Offset just past the last character.")
    position = models.PositiveIntegerField(help_text="Order of the claim in the document.")
    version = models.PositiveIntegerField(default=1, help_text="The document version whose text the span indexes.")
    removed_in = models.PositiveIntegerField(
        null=True, blank=True, help_text="The document version from which the sentence is no longer in the article."
    )

    class Meta:
        ordering = ["document_id", "position"]
        constraints = [
            # One claim per sentence position; the parts of a split sentence share its position.
            models.UniqueConstraint(
                fields=["document", "version", "position", "claim"], name="occurrence_document_position_unique"
            ),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="occurrence_span_valid"),
            models.CheckConstraint(
                condition=Q(removed_in__isnull=True) | Q(removed_in__gt=models.F("version")),
                name="occurrence_removed_after_its_version",
            ),
        ]
        indexes = [models.Index(fields=["claim", "document", "position"], name="occurrence_claim_idx")]

    def __str__(self):
        return f"{self.document_id}[{self.start}:{self.end}]"

    @property
    def current(self) -> bool:
        """Whether the sentence is in the document's current version."""
        return self.removed_in is None


class Evidence(models.Model):
    Stance = Stance

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="evidence")
    url = models.URLField(max_length=2000, blank=True)
    document = models.ForeignKey(
        SourceDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cited_as_evidence",
    )
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    title = models.CharField(max_length=500, blank=True)
    excerpt = models.TextField(blank=True)
    stance = models.CharField(max_length=10, choices=Stance.choices)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evidence_added")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["claim_id", "id"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(condition=~Q(url="") | Q(document__isnull=False), name="evidence_has_source"),
            models.CheckConstraint(
                condition=Q(url="") | Q(url__startswith="http://") | Q(url__startswith="https://"),
                name="evidence_url_http",
            ),
            models.CheckConstraint(
                condition=Q(document__isnull=True, start__isnull=True, end__isnull=True)
                | Q(
                    document__isnull=False,
                    start__isnull=False,
                    end__isnull=False,
                    end__gt=models.F("start"),
                ),
                name="evidence_passage_valid",
            ),
            models.CheckConstraint(condition=Q(stance__in=Stance.values), name="evidence_stance_valid"),
        ]

    def __str__(self):
        return self.title or self.url or f"Passage of document {self.document_id}"


class Suggestion(models.Model):
    """A passage of another document that may state the same fact as a claim: evidence to consider.

    Derived data: computed when documents load and recomputed when new ones arrive. Attaching one
    makes an Evidence item through the workflow; the suggestion itself is never history.
    """

    Stance = Stance

    claim = models.ForeignKey(
        Claim,
        on_delete=models.CASCADE,
        related_name="suggestions",
        db_index=False,  # suggestion_claim_idx (claim, score) serves it
    )
    document = models.ForeignKey(SourceDocument, on_delete=models.CASCADE, related_name="+")
    start = models.PositiveIntegerField(help_text="Offset of the passage's first character in the document.")
    end = models.PositiveIntegerField(help_text="Offset just past the passage's last character.")
    passage_claim = models.ForeignKey(
        Claim,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="The claim the passage states, when it is one.",
    )
    score = models.FloatField(help_text="Similarity from 0 to 1: higher is closer.")
    stance = models.CharField(max_length=10, choices=Stance.choices, help_text="The suggested stance.")
    reason = models.CharField(max_length=300, blank=True, help_text="Why this stance: what differs.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["claim_id", "-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "document", "start", "end"], name="suggestion_unique"),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="suggestion_span_valid"),
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=1), name="suggestion_score_range"),
            models.CheckConstraint(condition=Q(stance__in=Stance.values), name="suggestion_stance_valid"),
        ]
        indexes = [models.Index(fields=["claim", "-score"], name="suggestion_claim_idx")]

    def __str__(self):
        return f"Claim {self.claim_id} ~ {self.document_id}[{self.start}:{self.end}] ({self.score:.2f})"


class TermCount(models.Model):
    """How many claims hold a term: the document frequencies of corroboration's TF-IDF.

    Derived data, kept by ``annotations.corroboration`` as claims load. ``term`` is the term's
    hashed feature number; the row numbered ``ALL_CLAIMS`` counts the claims indexed.
    """

    ALL_CLAIMS = -1

    term = models.IntegerField(primary_key=True)
    claims = models.PositiveIntegerField()

    def __str__(self):
        return f"term {self.term}: {self.claims} claims"


class TermPosting(models.Model):
    """A claim holding a rare term: the inverted index that finds a claim's candidate passages.

    Derived data. Only terms held by few claims are indexed (``corroboration.INDEX_MAX_CLAIMS``):
    a common term cannot tell candidates apart, and leaving it out keeps every lookup short.
    """

    pk = models.CompositePrimaryKey("term", "claim")
    term = models.IntegerField()
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="+", db_index=False)

    def __str__(self):
        return f"term {self.term} in claim {self.claim_id}"


class AppendOnlyQuerySet(models.QuerySet["AppendOnlyModel"]):
    """Rows are only ever inserted: updates, deletes and upserts raise the model's refusals."""

    def update(self, **kwargs):
        raise PermissionError(self.model.REFUSE_CHANGE)

    def delete(self):
        raise PermissionError(self.model.REFUSE_DELETE)

    def bulk_create(self, objs, *args, update_conflicts=False, **kwargs):
        if update_conflicts:
            raise PermissionError(self.model.REFUSE_OVERWRITE)
        return super().bulk_create(objs, *args, **kwargs)


class AppendOnlyModel(models.Model):
    """A row written once and never changed or deleted, one at a time or in bulk."""

    REFUSE_CHANGE = REFUSE_DELETE = REFUSE_OVERWRITE = "This record cannot be changed."

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True
        # Related lookups use the append-only manager too, not a plain one that could update.
        base_manager_name = "objects"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError(self.REFUSE_CHANGE)
        # Never an UPDATE, even when a primary key is given: an existing id makes the insert fail.
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(self.REFUSE_DELETE)


class ReviewEvent(AppendOnlyModel):
    Action = Action
    REFUSE_CHANGE = "Review history is append-only: events cannot be updated."
    REFUSE_DELETE = "Review history is append-only: events cannot be deleted."
    REFUSE_OVERWRITE = "Review history is append-only: events cannot be overwritten."

    claim = models.ForeignKey(
        Claim,
        on_delete=models.PROTECT,
        related_name="events",
        db_index=False,  # event_claim_idx (claim, id) serves it
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="review_events",
        help_text="Empty for events written by the loader.",
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    status_before = models.CharField(max_length=20, blank=True)
    status_after = models.CharField(max_length=20)
    verdict_before = models.CharField(max_length=20, blank=True)
    verdict_after = models.CharField(max_length=20, blank=True)
    comment = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    claim_version = models.PositiveIntegerField(help_text="The claim's version after the event.")
    created_at = models.DateTimeField(default=timezone.now)
    hash = models.CharField(
        max_length=64,
        editable=False,
        help_text="SHA-256 of the event chained to the claim's previous event (annotations.history).",
    )

    class Meta:
        ordering = ["claim_id", "id"]
        base_manager_name = "objects"  # the append-only one (see AppendOnlyModel)
        constraints = [
            models.CheckConstraint(condition=Q(action__in=Action.values), name="event_action_valid"),
            models.CheckConstraint(
                condition=Q(status_after__in=ClaimStatus.values),
                name="event_status_after_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["claim", "id"], name="event_claim_idx"),
            # The desk's charts read the history by date (``desk_stats``).
            models.Index(fields=["created_at"], name="event_created_idx"),
        ]

    def __str__(self):
        return f"{self.get_action_display()} by {self.actor or 'loader'} at {self.created_at:%Y-%m-%d %H:%M}"


class Correction(AppendOnlyModel):
    """A public correction: an approved claim re-approved with a different verdict or note."""

    REFUSE_CHANGE = REFUSE_OVERWRITE = "Corrections are published: they cannot be changed."
    REFUSE_DELETE = "Corrections are published: they cannot be deleted."

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="corrections")
    event = models.OneToOneField(
        ReviewEvent, on_delete=models.PROTECT, related_name="correction", help_text="The approval that made it."
    )
    old_verdict = models.CharField(max_length=20, choices=Verdict.choices)
    new_verdict = models.CharField(max_length=20, choices=Verdict.choices)
    old_note = models.TextField(blank=True)
    new_note = models.TextField(blank=True)
    old_wording = models.TextField(blank=True, help_text="The claim as checked before (empty: its text).")
    new_wording = models.TextField(blank=True)
    note = models.TextField(help_text="The public correction note: what changed and why.")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["claim_id", "id"]
        base_manager_name = "objects"  # the append-only one (see AppendOnlyModel)
        constraints = [
            models.CheckConstraint(condition=~Q(note=""), name="correction_has_note"),
            models.CheckConstraint(
                condition=Q(old_verdict__in=Verdict.values) & Q(new_verdict__in=Verdict.values),
                name="correction_verdicts_valid",
            ),
        ]

    def __str__(self):
        return f"Correction of claim {self.claim_id} on {self.created_at:%Y-%m-%d}"


class DocumentAction(models.TextChoices):
    LOADED = "loaded", "Loaded"
    VERSIONED = "versioned", "New version"
    EDITED = "edited", "Metadata edited"


class DocumentEvent(AppendOnlyModel):
    """A step in a document's life: loaded, a new version, its metadata edited (before and after)."""

    REFUSE_CHANGE = REFUSE_OVERWRITE = "A document's history is append-only: events cannot be changed."
    REFUSE_DELETE = "A document's history is append-only: events cannot be deleted."

    document = models.ForeignKey(SourceDocument, on_delete=models.PROTECT, related_name="events", db_index=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="Empty for the loader and the feeds.",
    )  # fmt: skip
    action = models.CharField(max_length=20, choices=DocumentAction.choices)
    version = models.PositiveIntegerField(help_text="The document's version after the event.")
    details = models.JSONField(default=dict, blank=True, help_text="What changed: before and after.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["document_id", "id"]
        base_manager_name = "objects"  # the append-only one (see AppendOnlyModel)
        constraints = [
            models.CheckConstraint(condition=Q(action__in=DocumentAction.values), name="document_event_action_valid"),
        ]
        indexes = [models.Index(fields=["document", "id"], name="document_event_idx")]

    def __str__(self):
        return f"{self.get_action_display()} (document {self.document_id}, version {self.version})"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class Feed(models.Model):
    """An RSS or Atom feed whose new items are loaded by a periodic job."""

    url = models.URLField(max_length=2000)
    title = models.CharField(max_length=500, blank=True)
    active = models.BooleanField(default=True, help_text="Checked periodically while active.")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    next_check_at = models.DateTimeField(default=timezone.now)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, help_text="Why the last check failed; empty when it worked.")
    items_loaded = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["url"], name="feed_url_unique")]
        indexes = [models.Index(fields=["active", "next_check_at"], name="feed_due_idx")]

    def __str__(self):
        return self.title or self.url


class Import(models.Model):
    """A batch of articles to load (pasted, uploaded, fetched, or a feed's new items), run as a job."""

    origin = models.CharField(max_length=10, choices=Origin.choices)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="imports",
        help_text="Empty for a feed's periodic check.",
    )  # fmt: skip
    feed = models.ForeignKey(Feed, on_delete=models.PROTECT, null=True, blank=True, related_name="imports")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True, help_text="When its worker last reported progress.")
    attempts = models.PositiveIntegerField(default=0, help_text="How many times a worker has started it.")
    total = models.PositiveIntegerField(default=0, help_text="Items (files, pages) to load.")
    done = models.PositiveIntegerField(default=0, help_text="Items loaded or refused so far.")
    documents_added = models.PositiveIntegerField(default=0)
    documents_updated = models.PositiveIntegerField(default=0, help_text="Documents that got a new version.")
    claims_added = models.PositiveIntegerField(default=0)
    claims_existing = models.PositiveIntegerField(default=0)
    dropped = models.JSONField(default=dict, blank=True, help_text="Lines dropped, by reason.")
    error = models.TextField(blank=True, help_text="Why the import failed, when it did.")
    task_id = models.CharField(max_length=64, blank=True, help_text="The job on the queue.")

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ImportStatus.values), name="import_status_valid"),
            models.CheckConstraint(condition=Q(origin__in=Origin.values), name="import_origin_valid"),
            models.CheckConstraint(condition=Q(done__lte=models.F("total")), name="import_done_within_total"),
        ]
        indexes = [models.Index(fields=["status", "id"], name="import_status_idx")]

    def __str__(self):
        return f"Import {self.pk} ({self.get_origin_display().lower()}, {self.get_status_display().lower()})"


class ImportItemStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    LOADED = "loaded", "Loaded"
    UNCHANGED = "unchanged", "Already loaded"
    FAILED = "failed", "Failed"


class ImportItem(models.Model):
    """One file, pasted text or address of an import, with what came of it."""

    batch = models.ForeignKey(Import, on_delete=models.CASCADE, related_name="items", db_index=False)
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=2000, help_text="The file's name or the address.")
    content = models.BinaryField(null=True, blank=True, help_text="The file or pasted text, as received.")
    metadata = models.JSONField(default=dict, blank=True, help_text="Title, publisher, author, ... as given.")
    guid = models.CharField(max_length=2000, blank=True, help_text="A feed entry's id.")
    status = models.CharField(max_length=10, choices=ImportItemStatus.choices, default=ImportItemStatus.QUEUED)
    error = models.TextField(blank=True)
    note = models.CharField(max_length=500, blank=True, help_text='What was assumed, e.g. "decoded as windows-1252".')
    document = models.ForeignKey(SourceDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    version = models.PositiveIntegerField(null=True, blank=True, help_text="The document version it made.")
    claims_added = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["batch_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "position"], name="import_item_position_unique"),
            models.CheckConstraint(condition=Q(status__in=ImportItemStatus.values), name="import_item_status_valid"),
        ]

    def __str__(self):
        return self.name


class FeedItem(models.Model):
    """A feed entry already taken in (by its id or address): a later check skips it."""

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="items", db_index=False)
    guid = models.CharField(max_length=2000)
    link = models.URLField(max_length=2000, blank=True)
    updated = models.CharField(max_length=100, blank=True, help_text="The entry's date, as the feed gave it.")
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["feed_id", "id"]
        constraints = [models.UniqueConstraint(fields=["feed", "guid"], name="feed_item_unique")]

    def __str__(self):
        return self.guid


class DeskPreference(models.Model):
    """How one user works the desk: after submit, approve, return or dismiss, open the next claim or stay."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="desk_preference")
    stay_on_claim = models.BooleanField(
        default=False, help_text="Stay on the claim after submit, approve, return or dismiss (default: open the next)."
    )

    def __str__(self) -> str:
        return f"{self.user}: {'stay on the claim' if self.stay_on_claim else 'open the next claim'}"
