"""Shared fixtures. Outside systems are real servers on loopback (tests/fakes/)."""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def staff_user(db):
    from tests.factories import UserFactory

    return UserFactory(username="olga", is_staff=True)


@pytest.fixture
def superuser(db):
    from tests.factories import UserFactory

    return UserFactory(username="root", is_staff=True, is_superuser=True)
