"""Where a claim page sits in the list or queue it was opened from: the claims before and after it.

The claim list's links carry its filters, search and sort (``_changelist_filters``, as the admin
preserves them); the review queue's carry ``from=queue``. From those, the claim page finds its
neighbours with one keyset query each way (the list's ordering, compared with the claim's own
values), so ``j`` / ``k`` and "save and next" cost the same on page 1 and page 2,000. The
claim's values are read before an action changes them: the next claim is the one after where
the claim stood when the editor acted on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist
from django.db import connections, transaction
from django.db.models import F, Q
from django.http import QueryDict
from django.urls import reverse

from .. import selectors

QUEUE = "queue"
PRESERVED = "_changelist_filters"
MAX_SCAN = 5000  # rows read to place a claim the keyset cannot: an empty (NULL) value, an expression


class _ListQuery(ChangeList):
    """The claim list's filters, search and ordering, without reading a page of it."""

    def get_results(self, request):
        pass


@dataclass(frozen=True)
class Place:
    """The claim's list or queue: the claims before and after it, and the way back."""

    previous: int | None
    next: int | None
    back_url: str
    back_label: str
    query: str  # the query string each claim page of this list carries

    def claim_url(self, claim_id: int | None) -> str | None:
        if claim_id is None:
            return None
        url = reverse("admin:annotations_claim_change", args=[claim_id])
        return f"{url}?{self.query}" if self.query else url


def source_query(request) -> str:
    """Return the query string that says which list or queue a claim page was opened from."""
    if request.GET.get("from") == QUEUE:
        return urlencode({"from": QUEUE})
    filters = request.GET.get(PRESERVED)
    return urlencode({PRESERVED: filters}) if filters is not None else ""


def ordered_source(model_admin, request):
    """Return (the claims of the list or queue the page was opened from, ordered; its ordering; way back)."""
    if request.GET.get("from") == QUEUE:
        return (
            selectors.claims_awaiting_review(request.user),
            ["updated_at", "id"],
            reverse("admin:annotations_claim_queue"),
            "the review queue",
        )
    filters = request.GET.get(PRESERVED, "")
    list_request = _with_query(request, filters)
    queryset = _changelist(model_admin, list_request).queryset
    back = reverse("admin:annotations_claim_changelist") + (f"?{filters}" if filters else "")
    return queryset, list(queryset.query.order_by), back, "the claim list"


def opened_from_list(request) -> bool:
    """Return whether the page was opened from a list or the queue (a claim opened by its address was not)."""
    return request.GET.get("from") == QUEUE or PRESERVED in request.GET


def place_of(model_admin, request, claim) -> Place | None:
    """Return the claim's place in the list or queue it was opened from (None: not opened from one,
    or the list's address is not valid)."""
    if not opened_from_list(request):
        return None
    try:
        # In a savepoint: a query the database refuses (``text__regex=(``) is undone with it, and leaves
        # the request's transaction usable for the rest of the page.
        with transaction.atomic():
            queryset, ordering, back_url, back_label = ordered_source(model_admin, request)
            groups = model_admin.ordering_groups(request) if back_label == "the claim list" else {}
            previous, following = _neighbours(
                queryset, ordering, claim.pk, model_admin.get_queryset(request), groups=groups
            )
    except Exception:  # a tampered address: the page still opens, without list navigation
        return None
    return Place(previous, following, back_url, back_label, source_query(request))


def _with_query(request, query: str):
    """Return a copy of ``request`` whose query string is ``query`` (the list's own)."""
    copy = request.__class__.__new__(request.__class__)
    copy.__dict__.update(request.__dict__)
    copy.GET = QueryDict(query)
    return copy


def _changelist(model_admin, request) -> ChangeList:
    """Return the list as ``ModelAdmin.get_changelist_instance`` builds it, without reading its rows."""
    list_display = model_admin.get_list_display(request)
    links = model_admin.get_list_display_links(request, list_display)
    # The list's sort parameter (``o=2``) counts its columns from the selection checkbox, as the list shows them.
    if model_admin.get_actions(request):
        list_display = ["action_checkbox", *list_display]
    return _ListQuery(
        request, model_admin.model, list_display, links, model_admin.get_list_filter(request),
        model_admin.date_hierarchy, model_admin.get_search_fields(request),
        model_admin.get_list_select_related(request), model_admin.list_per_page, model_admin.list_max_show_all,
        model_admin.list_editable, model_admin, model_admin.get_sortable_by(request), model_admin.search_help_text,
    )  # fmt: skip


def _terms(ordering) -> list[tuple[str, bool]]:
    """Return the ordering as (field, descending) pairs; raise ValueError for what it cannot compare."""
    terms = []
    for term in ordering:
        if not isinstance(term, str):
            raise ValueError(f"cannot place a claim in an ordering by {term!r}")
        name = term.removeprefix("-")
        terms.append(("id" if name == "pk" else name, term.startswith("-")))
    if not any(name == "id" for name, _ in terms):
        terms.append(("id", False))
    return terms


def _may_be_empty(queryset, name: str) -> bool:
    """Return whether the ordering's column ``name`` may be NULL; raise ValueError if it cannot be compared.

    An annotation (``mine_first``) is taken as never NULL. A relation other than a plain foreign key
    (its rows would repeat the claim), or a foreign key whose model sorts by its own fields, is not
    compared: the claim is placed by scanning.
    """
    if name in queryset.query.annotations:
        return False
    try:
        field = queryset.model._meta.get_field(name)
    except FieldDoesNotExist:
        raise ValueError(f"cannot place a claim in an ordering by {name!r}") from None
    if not field.concrete or field.many_to_many or field.one_to_many:
        raise ValueError(f"cannot place a claim in an ordering by {name!r}")
    if field.is_relation and field.related_model._meta.ordering:
        raise ValueError(f"cannot place a claim in an ordering by {name!r}: its model sorts by its own fields")
    return bool(field.null)


def _neighbours(queryset, ordering, claim_id: int, all_claims, groups=None) -> tuple[int | None, int | None]:
    """Return the ids of the claims before and after ``claim_id`` in ``queryset`` as ordered.

    ``groups`` maps an ordering term that only tells two groups apart (0 or 1, a ``CASE`` the
    database cannot walk an index by, as the list's "my open work first") to the condition of its
    group 0: the neighbours are then looked for in the claim's own group, then in the other, each
    ordered by the remaining terms (which an index serves).
    """
    try:
        terms = _terms(ordering)
        empty = frozenset(name for name, _ in terms if _may_be_empty(queryset, name))
    except ValueError:
        return _scanned(queryset, claim_id)
    names = [name for name, _ in terms]
    own = all_claims.filter(pk=claim_id).values(*names).first()
    if own is None:
        return None, None
    if any(own[name] is None for name in names):
        return _scanned(queryset, claim_id)
    return (
        _around(queryset, terms, own, forward=False, nullable=empty, groups=groups or {}),
        _around(queryset, terms, own, forward=True, nullable=empty, groups=groups or {}),
    )


def _around(queryset, terms, own: dict, *, forward: bool, nullable, groups: dict) -> int | None:
    """``_beyond``, a leading two-group term (``groups``) searched group by group."""
    name, descending = terms[0]
    if name not in groups or len(terms) == 1 or own[name] not in (0, 1):
        return _beyond(queryset, terms, own, forward=forward, nullable=nullable)
    first, rest = groups[name], terms[1:]
    in_first = own[name] == 0
    found = _beyond(queryset.filter(first if in_first else ~first), rest, own, forward=forward, nullable=nullable)
    if found is not None:
        return found
    # The other group lies ahead when going up from 0 (or down from 1) in the term's direction.
    if in_first != (forward != descending):
        return None
    other = queryset.filter(~first if in_first else first)
    order = [F(n).desc() if d == forward else F(n).asc() for n, d in rest]
    return other.order_by(*order).values_list("pk", flat=True).first()


def _beyond(queryset, terms, own: dict, *, forward: bool, nullable=frozenset()) -> int | None:
    """Return the first claim after (or before) the values ``own`` in the ordering ``terms``.

    ``own`` holds no NULL; a column in ``nullable`` may hold NULLs in other rows, which the database
    sorts as larger than any value (PostgreSQL) or smaller (SQLite): they lie on that side of ``own``.
    """
    nulls_largest = connections[queryset.db].features.nulls_order_largest
    condition = Q()
    for i, (name, descending) in enumerate(terms):
        greater = descending != forward  # forward in an ascending order, or back in a descending one
        step = Q(**{f"{name}__{'gt' if greater else 'lt'}": own[name]})
        if name in nullable and greater == nulls_largest:
            step |= Q(**{f"{name}__isnull": True})
        for earlier, _ in terms[:i]:
            step &= Q(**{earlier: own[earlier]})
        condition |= step
    first, descending = terms[0]
    if first not in nullable:
        # The same bound on the first column alone, which the database can start an index scan at
        # (it does not read one from the alternatives above).
        condition &= Q(**{f"{first}__{'gte' if descending != forward else 'lte'}": own[first]})
    order = [F(name).desc() if descending == forward else F(name).asc() for name, descending in terms]
    return queryset.filter(condition).order_by(*order).values_list("pk", flat=True).first()


def _scanned(queryset, claim_id: int) -> tuple[int | None, int | None]:
    """Place the claim by reading the list's ids in order: its own value in the ordering is empty (NULL),
    or the ordering cannot be compared (an expression, a relation that repeats claims)."""
    ids = list(queryset.values_list("pk", flat=True)[:MAX_SCAN])
    if claim_id not in ids:
        return None, None
    at = ids.index(claim_id)
    return (ids[at - 1] if at else None), (ids[at + 1] if at + 1 < len(ids) else None)
