from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection, transaction

from annotations import workflow
from annotations.ingest.documents import DocumentInput
from annotations.ingest.sentence import Sentence
from annotations.models import (
    Claim,
    ClaimOccurrence,
    ClaimStatus,
    Correction,
    DocumentEvent,
    DocumentVersion,
    Evidence,
    FeedItem,
    ImportItem,
    ReviewEvent,
    SourceDocument,
    Suggestion,
    TermCount,
    TermPosting,
)

# The seeds' sentences as the loader makes them: rewritten by golden/regenerate.py, checked by the ingest tests.
GOLDEN = Path(__file__).with_name("golden") / "seed_claims.json"


@contextmanager
def triggers_off():
    """Switch PostgreSQL's triggers off for this connection, as only the database's owner could.

    For tests that must delete or edit history rows behind the application's back (the
    append-only triggers of migration 0010 refuse it otherwise). Nothing to do on SQLite.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        try:
            yield
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")


# Every table of loaded articles and their claims, referrers first.
LOADED_DATA = (
    Suggestion, TermPosting, TermCount, Correction, ReviewEvent, Evidence, ClaimOccurrence, ImportItem, FeedItem,
    DocumentEvent, DocumentVersion, Claim, SourceDocument,
)  # fmt: skip


def wipe_loaded_data(models=LOADED_DATA):
    """Delete every loaded article and claim behind the application's back, history included (tests only)."""
    with triggers_off():  # the histories refuse deletes
        for model in models:
            model.objects.all()._raw_delete(model.objects.db)


def run_queued_jobs(*, worker_id: str = "test-worker") -> int:
    """Run every queued job here, as a worker (``manage.py db_worker``) would; return how many ran.

    A job that fails makes the test fail with its traceback.
    """
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False, max_tasks=None,
        worker_id=worker_id, excluded_queue_names=[],
    )  # fmt: skip
    ran = 0
    while True:
        with transaction.atomic():
            result = DBTaskResult.objects.ready().get_locked()
            if result is None:
                return ran
            result.claim(worker_id)
        worker.run_task(result)
        ran += 1
        result.refresh_from_db()
        assert result.status != "FAILED", f"job {result.task_path} failed:\n{result.traceback}"


@pytest.fixture
def run_jobs(db):
    """Return a function running every queued job, in this process; it returns how many ran."""
    return run_queued_jobs


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the roles once into the test database, as `make run` does."""
    with django_db_blocker.unblock():
        call_command("loaddata", "fixtures/roles.json", verbosity=0)


def ensure_roles():
    """Reload the roles if a transactional test flushed them away."""
    if Group.objects.filter(name__in=["editor", "reviewer"]).count() != 2:
        call_command("loaddata", "fixtures/roles.json", verbosity=0)


def _user(django_user_model, username, *groups, **extra):
    ensure_roles()
    user = django_user_model.objects.create_user(username=username, password="pw-" + username, **extra)
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user


@pytest.fixture
def editor(db, django_user_model):
    return _user(django_user_model, "editor1", "editor")


@pytest.fixture
def editor2(db, django_user_model):
    return _user(django_user_model, "editor2", "editor")


@pytest.fixture
def reviewer(db, django_user_model):
    return _user(django_user_model, "reviewer1", "reviewer")


@pytest.fixture
def reviewer2(db, django_user_model):
    return _user(django_user_model, "reviewer2", "reviewer")


@pytest.fixture
def admin_user(db, django_user_model):
    return django_user_model.objects.create_superuser("admin1", "admin1@example.org", "pw-admin1")


@pytest.fixture
def outsider(db, django_user_model):
    """An authenticated user with no fact-check role."""
    return _user(django_user_model, "outsider")


@pytest.fixture
def cast(editor, editor2, reviewer, reviewer2, admin_user, outsider, django_user_model):
    """Everyone the permission rules distinguish, by the name the tests use.

    ``outsider`` and ``no_role`` are the same user, signed in with no fact-check role;
    ``no_role_staff`` has staff status but no role either.
    """
    return SimpleNamespace(
        anonymous=None,
        editor=editor,
        editor2=editor2,
        reviewer=reviewer,
        reviewer2=reviewer2,
        admin=admin_user,
        outsider=outsider,
        no_role=outsider,
        no_role_staff=_user(django_user_model, "staff-only", is_staff=True),
    )


# --- Claims ---------------------------------------------------------------------------------------

CLAIM_TEXT = "The river carries 300 tonnes of plastic to the sea every year."
SECOND_CLAIM_TEXT = "Officials say the figure has doubled since 2010."
REPORT_TEXT = f"{CLAIM_TEXT} {SECOND_CLAIM_TEXT} The report was published on Monday."
SURVEY_CLAIM_TEXT = "A 2023 survey measured 120 tonnes of plastic at the river mouth."
SURVEY_TEXT = f"{SURVEY_CLAIM_TEXT} The survey covered twelve months of samples."
# Two pieces of CLAIM_TEXT, in order (a split), and a wording of it that stands on its own.
FIRST_PART = "The river carries 300 tonnes of plastic to the sea"
SECOND_PART = "every year."
WORDING = "The river Thames carries 300 tonnes of plastic to the sea every year (2024 estimate)."


def document_input(text, title, sentences):
    """Return a DocumentInput for ``text`` whose claims are the given substrings of it."""
    spans = []
    for sentence in sentences:
        start = text.index(sentence)
        spans.append(Sentence(start=start, end=start + len(sentence), text=sentence))
    return DocumentInput(text=text, title=title, sentences=spans)


@pytest.fixture
def load_document(db):
    """Return a function loading ``text`` through the workflow; its claims are given substrings."""

    def load(text, title, sentences, *, actor=None):
        return workflow.document_load(document=document_input(text, title, sentences), actor=actor)

    return load


@pytest.fixture
def documents(load_document):
    """Load two small documents through the workflow: a report (two claims) and a survey."""
    report_claims, survey_claims = [CLAIM_TEXT, SECOND_CLAIM_TEXT], [SURVEY_CLAIM_TEXT]
    report = load_document(REPORT_TEXT, "River report", report_claims)
    survey = load_document(SURVEY_TEXT, "Plastic survey", survey_claims)
    return SimpleNamespace(
        report=report.document,
        survey=survey.document,
        report_claims=report_claims,
        survey_claims=survey_claims,
    )


@pytest.fixture
def claim(documents):
    """The report's first claim, freshly loaded: pending, no verdict, version 1."""
    return Claim.objects.get(text=CLAIM_TEXT)


@pytest.fixture
def second(documents):
    """The report's second claim, pending."""
    return Claim.objects.get(text=SECOND_CLAIM_TEXT)


@pytest.fixture
def survey_claim(documents):
    """The survey's claim, pending."""
    return Claim.objects.get(text=SURVEY_CLAIM_TEXT)


@pytest.fixture
def other_document(documents):
    """A loaded document the claim does not occur in, so its passages can be cited."""
    return documents.survey


@pytest.fixture
def advance(editor, reviewer):
    """Return a function that brings a claim to a status through the workflow.

    The editor (or ``by``) takes the claim, rules it verified with one web source and submits it;
    the reviewer (or ``reviewed_by``) returns or approves it. The claim comes back re-read.
    """

    def bring(claim, status, *, by=None, reviewed_by=None):
        by, reviewed_by = by or editor, reviewed_by or reviewer
        if status not in ClaimStatus.values:
            raise ValueError(f"Unknown status {status!r}")
        if status != ClaimStatus.PENDING:
            workflow.claim_assign(claim_id=claim.pk, actor=by)
            workflow.claim_set_verdict(claim_id=claim.pk, actor=by, verdict="verified", note="Matches the survey.")
            workflow.evidence_add(
                claim_id=claim.pk,
                actor=by,
                stance="supports",
                url="https://example.org/survey",
                title="Plastic survey",
            )
        if status in (ClaimStatus.IN_REVIEW, ClaimStatus.RETURNED, ClaimStatus.APPROVED):
            workflow.claim_submit(claim_id=claim.pk, actor=by)
        if status == ClaimStatus.RETURNED:
            workflow.claim_return(claim_id=claim.pk, actor=reviewed_by, comment="Link the survey's own page.")
        if status == ClaimStatus.APPROVED:
            workflow.claim_approve(claim_id=claim.pk, actor=reviewed_by)
        claim.refresh_from_db()
        assert claim.status == status
        return claim

    return bring


def _claim_state(claim):
    row = Claim.objects.values(
        "status", "verdict", "note", "version", "assignee_id", "submitted_by_id", "updated_at"
    ).get(pk=claim.pk)
    row["evidence"] = list(Evidence.objects.filter(claim_id=claim.pk).values())
    row["events"] = list(ReviewEvent.objects.order_by("id").values_list("id", flat=True))
    return row


@pytest.fixture
def claim_state():
    """Return a function giving everything about a claim an action could change, from the database.

    That is its row, its evidence and the ids of the whole history (so a new event anywhere shows).
    """
    return _claim_state


@pytest.fixture
def refused():
    """Return a context manager asserting that an action raises ``error`` with ``message``.

    It also asserts that the claim, its evidence and the whole history are exactly as before.
    """

    @contextmanager
    def check(claim, error, message):
        before = _claim_state(claim)
        with pytest.raises(error) as raised:
            yield raised
        assert str(raised.value) == message
        assert _claim_state(claim) == before

    return check


@pytest.fixture
def one_new_event():
    """Return a context manager asserting that the block writes exactly one ReviewEvent.

    The event is available as ``.event`` on the yielded object once the block has run.
    """

    @contextmanager
    def check():
        before = set(ReviewEvent.objects.values_list("id", flat=True))
        recorded = SimpleNamespace(event=None)
        yield recorded
        new = list(ReviewEvent.objects.exclude(id__in=before))
        assert len(new) == 1, f"expected exactly one new event, got {[e.action for e in new]}"
        recorded.event = new[0]

    return check


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hash the cast's passwords cheaply: a test that makes six users spends seconds otherwise."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# Four claims, one per mix of check-worthiness signals (admin and API list tests filter and sort them).
COUNTED = "The ministry says 32 of its nationals were killed."  # "the ministry" sorts after "the armed ..."
QUOTED = "The armed forces added the Cubans 'fell after fierce resistance.'"
PLAIN = "Rumors of the deaths circulated on the island over the weekend."
BOTH = "It described the dead as killed 'in combat actions', declaring two days of mourning."
SIGNAL_CLAIMS = [COUNTED, QUOTED, PLAIN, BOTH]


@pytest.fixture
def signal_claims(load_document):
    """Load four claims with different signals; return their ids by text."""
    load_document(" ".join(SIGNAL_CLAIMS), "Signals", SIGNAL_CLAIMS)
    return dict(Claim.objects.filter(text__in=SIGNAL_CLAIMS).values_list("text", "pk"))
