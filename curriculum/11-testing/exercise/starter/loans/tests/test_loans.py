"""Your tests for the library's loans app. The app is correct: your job is tests that would
catch it breaking. Each test should name the bug it would catch.

Fixtures in conftest.py: member, other_member, book (2 copies), member_client (logged in as
`member`). Factories in factories.py: MemberFactory, BookFactory, LoanFactory.

Split them into several modules if you like (test_models.py, test_services.py, test_views.py):
every test_*.py under loans/tests/ is collected.
"""

# TODO (constraints): prove the database refuses a second OPEN loan of the same book for the
#   same member, and accepts it once the first loan is returned (go around the service with
#   LoanFactory; pytest.raises(IntegrityError) needs an inner transaction.atomic()).

# TODO (services): loan_create and loan_return. Happy paths (a loan is due exactly 21 days
#   after it is made: bound it by the clock before and after the call), then every failure path:
#   the limit of MAX_OPEN_LOANS (test exactly at the boundary), no copy left, the same book
#   twice, returning twice. After each refusal, assert that nothing changed.

# TODO (views): the JSON API through the test client: status codes (201, 404, 405, 409),
#   anonymous requests (401), another member's loan (404), and negative data in the list.
