"""Pages of claims, read as quickly deep in a long list as at its start."""

from django.core.paginator import Paginator


class ClaimPaginator(Paginator):
    """A Paginator of a ClaimQuerySet whose count is already known.

    It runs no COUNT query of its own, and reads each page with
    ClaimQuerySet.rows_between rather than a plain OFFSET.
    """

    def __init__(self, claims, per_page, *, count):
        super().__init__(claims, per_page)
        self.count = count

    def page(self, number):
        number = self.validate_number(number)
        start = (number - 1) * self.per_page
        claims = self.object_list.rows_between(start, start + self.per_page)
        return self._get_page(claims, number, self)
