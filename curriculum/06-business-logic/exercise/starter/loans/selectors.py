"""Read-side queries of the library.

TODO(selectors): loan_list_overdue(*, at=None): the overdue loans, most overdue first, with
their book and member loaded in the same query. The overdue view builds this by hand today
(and runs two extra queries per loan).
"""
