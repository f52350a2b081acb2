"""Pages of a long list, read as quickly deep in it as at its start."""

from django.core.paginator import Paginator


def rows_between(rows, start, stop):
    """The rows from `start` to `stop` of the ordered queryset `rows`, as a queryset.

    Past the first page, the ids are found first, then only their rows are read:
    with a plain OFFSET the database reads (and joins) every row it skips before
    dropping it. Page 200 of 100 000 claims cost three times the first page, and the
    last page of 20 000 articles eight times (BENCHMARKS.md). The ids come from the
    index that serves the ordering, whose entries hold them.
    """
    if not start:
        return rows[:stop]
    return rows.filter(pk__in=rows.values("pk")[start:stop])


class IdsFirstPaginator(Paginator):
    """A Paginator of a queryset that reads each page with rows_between, not a plain OFFSET.

    Given the `count` when it is known already, it runs no COUNT query of its own.
    """

    def __init__(self, rows, per_page, *, count=None):
        super().__init__(rows, per_page)
        if count is not None:
            self.count = count

    def page(self, number):
        number = self.validate_number(number)
        start = (number - 1) * self.per_page
        rows = rows_between(self.object_list, start, start + self.per_page)
        return self._get_page(rows, number, self)
