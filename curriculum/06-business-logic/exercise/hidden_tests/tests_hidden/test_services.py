"""Hidden checks for the use cases in ``loans.services``, called directly (no request)."""

import inspect
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from loans import services
from loans.models import Book, Loan, Member

MONDAY = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)


@pytest.fixture
def people(db):
    return {
        "ana": Member.objects.create(name="Ana Silva", email="ana@example.com", max_loans=2),
        "ben": Member.objects.create(name="Ben Okoro", email="ben@example.com"),
        "cy": Member.objects.create(name="Cy Novak", email="cy@example.com", is_suspended=True),
    }


@pytest.fixture
def books(db):
    return [Book.objects.create(title=f"Book {i}", isbn=f"978000000000{i}") for i in range(4)]


def test_loan_create_returns_saved_loan_due_in_21_days(people, books):
    loan = services.loan_create(member=people["ana"], book=books[0], at=MONDAY)
    assert isinstance(loan, Loan) and loan.pk is not None, "loan_create() must save the Loan and return it."
    loan.refresh_from_db()
    got = (loan.member_id, loan.book_id, loan.borrowed_at, loan.due_at, loan.returned_at)
    expected = (people["ana"].pk, books[0].pk, MONDAY, MONDAY + timedelta(days=21), None)
    assert got == expected, (
        "A loan starts at `at` and is due 21 days later (LOAN_PERIOD), not returned yet.\n"
        f"Expected (member, book, borrowed_at, due_at, returned_at) = {expected!r}\nGot {got!r}"
    )


def test_services_take_keyword_only_arguments():
    for func in (services.loan_create, services.loan_return):
        params = list(inspect.signature(func).parameters.values())
        positional = [p.name for p in params if p.kind is not inspect.Parameter.KEYWORD_ONLY]
        assert params and not positional, (
            f"{func.__name__}() must take keyword-only arguments (a bare * first), so that a call cannot swap "
            f"member and book by position. Positional parameters: {positional!r}"
        )
    create_params = set(inspect.signature(services.loan_create).parameters)
    assert {"member", "book", "at"} <= create_params, f"loan_create(*, member, book, at=None); got {create_params!r}"
    assert {"loan", "at"} <= set(inspect.signature(services.loan_return).parameters), "loan_return(*, loan, at=None)"


def test_loan_create_refuses_with_domain_errors(people, books):
    services.loan_create(member=people["ana"], book=books[0], at=MONDAY)
    services.loan_create(member=people["ana"], book=books[1], at=MONDAY)
    cases = [
        ("a suspended member", lambda: services.loan_create(member=people["cy"], book=books[2]), "MemberSuspended"),
        (
            "a member already holding max_loans books",
            lambda: services.loan_create(member=people["ana"], book=books[2]),
            "LoanLimitReached",
        ),
        ("a book that is out", lambda: services.loan_create(member=people["ben"], book=books[0]), "BookUnavailable"),
    ]
    for what, call, expected in cases:
        before = Loan.objects.count()
        try:
            call()
        except services.LoanError as exc:
            got = type(exc).__name__
        except Exception as exc:  # noqa: BLE001 (show which error it was)
            got = f"{type(exc).__name__}: {exc}"
        else:
            got = "no error"
        assert got == expected, (
            f"Lending to {what} must raise services.{expected} (a LoanError subclass), got {got}. The rules live in "
            "the service, so every entry point (API, admin, commands) gets them."
        )
        assert Loan.objects.count() == before, f"A refused loan ({what}) must not create a row."
    returned = Loan.objects.get(book=books[0])
    services.loan_return(loan=returned, at=MONDAY + timedelta(days=3))
    again = services.loan_create(member=people["ben"], book=books[0])
    assert again.pk is not None, "A returned book can be lent again: only open loans make a book unavailable."


def test_returned_loan_no_longer_counts_for_the_limit(people, books):
    ana = people["ana"]  # max_loans=2
    first = services.loan_create(member=ana, book=books[0], at=MONDAY)
    services.loan_create(member=ana, book=books[1], at=MONDAY)
    with pytest.raises(services.LoanLimitReached):
        services.loan_create(member=ana, book=books[2], at=MONDAY)
    services.loan_return(loan=first, at=MONDAY + timedelta(days=2))
    try:
        third = services.loan_create(member=ana, book=books[2], at=MONDAY + timedelta(days=2))
    except services.LoanError as exc:
        pytest.fail(
            f"Ana (max_loans=2) returned one of her two books, then got {type(exc).__name__}: only open loans "
            "count for the limit (member.loans.open().count()), not every loan she ever had.",
            pytrace=False,
        )
    assert third.pk is not None and Loan.objects.filter(member=ana, returned_at__isnull=True).count() == 2


def test_loan_create_turns_a_race_into_book_unavailable(people, books):
    """Another desk lends the same book between the service's checks and its INSERT."""
    state = {"raced": False}

    def other_desk(execute, sql, params, many, context):
        if not state["raced"] and sql.lstrip().upper().startswith("INSERT") and "loans_loan" in sql:
            state["raced"] = True
            Loan.objects.create(
                book=books[3], member=people["ben"], borrowed_at=MONDAY, due_at=MONDAY + timedelta(days=21)
            )
        return execute(sql, params, many, context)

    with connection.execute_wrapper(other_desk):
        try:
            services.loan_create(member=people["ana"], book=books[3], at=MONDAY)
        except services.BookUnavailable:
            pass
        except Exception as exc:  # noqa: BLE001 (show which error it was)
            pytest.fail(
                f"The unique constraint refused the second open loan of the book, and loan_create() let "
                f"{type(exc).__name__} escape. Checks in Python cannot see a loan committed between the check and "
                "the INSERT: translate the IntegrityError (in a savepoint) into BookUnavailable.",
                pytrace=False,
            )
        else:
            pytest.fail("Two open loans of the same book were accepted.", pytrace=False)
    assert state["raced"], "loan_create() never inserted a loan."


def test_loan_return_service(people, books):
    loan = services.loan_create(member=people["ben"], book=books[1], at=MONDAY)
    back_at = MONDAY + timedelta(days=25, hours=3)
    returned = services.loan_return(loan=loan, at=back_at)
    returned.refresh_from_db()
    assert returned.returned_at == back_at, "loan_return() must record the return time `at`."
    assert str(returned.fine(at=back_at + timedelta(days=30))) == "1.00", (
        "Four full days late at the return: the fine is 4 x 0.25 = 1.00, and it stops growing once returned."
    )
    with pytest.raises(services.LoanAlreadyReturned):
        services.loan_return(loan=returned, at=back_at + timedelta(days=1))
    assert Loan.objects.get(pk=loan.pk).returned_at == back_at, "A second return must not move the return time."


def test_second_return_through_a_stale_copy_is_refused(people, books):
    loan = services.loan_create(member=people["ben"], book=books[1], at=MONDAY)
    desk_a = Loan.objects.get(pk=loan.pk)
    desk_b = Loan.objects.get(pk=loan.pk)  # fetched before desk A records the return
    back_at = MONDAY + timedelta(days=5)
    services.loan_return(loan=desk_a, at=back_at)
    with pytest.raises(services.LoanAlreadyReturned):
        services.loan_return(loan=desk_b, at=back_at + timedelta(days=9))
    assert Loan.objects.get(pk=loan.pk).returned_at == back_at, (
        "Desk B's copy of the loan was read before desk A's return, so its returned_at is still None. The service "
        "must decide on the row in the database (read it again, locked with select_for_update(), inside the "
        "transaction), not on the instance it was given."
    )
