import pytest

from loans.tests.factories import BookFactory, MemberFactory


@pytest.fixture
def member(db):
    return MemberFactory()


@pytest.fixture
def other_member(db):
    return MemberFactory()


@pytest.fixture
def book(db):
    return BookFactory(title="Dune", copies_available=2)


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client
