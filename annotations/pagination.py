"""Pagination that stays fast deep into a large, ordered table."""

from django.core.paginator import Paginator


class IdFirstPaginator(Paginator):
    """Find the page's ids with a narrow query, then fetch just those rows with their joins.

    Sorting and skipping (``OFFSET``) then handle one integer per row instead of whole rows with
    their joined columns (a "deferred join"); the second query reads only the rows on the page.
    """

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.object_list.filter(pk__in=ids)}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)
