import inspect

from loans import models, services


def test_the_constraint_only_covers_open_loans():
    source = inspect.getsource(models.Loan)
    assert "UniqueConstraint(" in source
    assert "condition=Q(returned_at__isnull=True)" in source


def test_loan_create_is_atomic_and_locks_the_book():
    source = inspect.getsource(services.loan_create)
    assert "@transaction.atomic" in source
    assert "select_for_update()" in source
    assert "except IntegrityError" in source


def test_loan_return_refuses_a_closed_loan():
    assert "raise AlreadyReturned" in inspect.getsource(services.loan_return)
