"""Pagination that stays fast deep into a large, ordered table."""

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


class IdFirstPaginator(Paginator):
    """Find the page's ids with a narrow query, then fetch just those rows with their joins.

    Sorting and skipping (``OFFSET``) then handle one integer per row instead of whole rows with
    their joined columns (a "deferred join"); the second query reads only the rows on the page.
    """

    object_list: QuerySet[Any]

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = self.page_ids(bottom, top)
        rows = {row.pk: row for row in self.object_list.filter(pk__in=ids)}
        return Page([rows[pk] for pk in ids if pk in rows], number, self)

    def page_ids(self, bottom: int, top: int) -> list:
        return list(self.object_list.values_list("pk", flat=True)[bottom:top])


class FirstGroupPaginator(IdFirstPaginator):
    """Serve the ordering ``(first_group_annotation, *rest)`` from two index-friendly queries.

    When the list is ordered by ``ordering`` (an annotation that is 0 for the rows matching
    ``first`` and 1 otherwise, then the fields ``rest``, ending with the id), the page is cut from
    "the matching rows in ``rest`` order" followed by "the other rows in ``rest`` order": the
    database walks an index of ``rest`` instead of computing and sorting the annotation over the
    whole table. Any other ordering falls back to the plain way.
    """

    def __init__(self, object_list, per_page, *, first, ordering, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.first = first
        self.ordering = tuple(ordering)

    def page_ids(self, bottom, top):
        queryset = self.object_list
        if tuple(queryset.query.order_by) != self.ordering:
            return super().page_ids(bottom, top)
        rest = ["pk" if name == "id" else name for name in self.ordering[1:]]
        ordered = queryset.order_by(*rest).values_list("pk", flat=True)
        first = ordered.filter(self.first)
        first_count = first.count()
        ids = list(first[bottom : min(top, first_count)]) if bottom < first_count else []
        if top > first_count:
            ids += list(ordered.exclude(self.first)[max(0, bottom - first_count) : top - first_count])
        return ids
