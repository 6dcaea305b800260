"""Work or school account check with msal's user realm discovery (local HTTPS stand-in)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from services.accounts import (
    CONSUMER,
    INVALID,
    UNKNOWN_DOMAIN,
    WORK_OR_SCHOOL,
    AccountVerifier,
)
from tests.support.fake_login import FakeLogin


@pytest.fixture
def fake_login() -> Iterator[FakeLogin]:
    with FakeLogin() as login:
        yield login


def verifier(login: FakeLogin) -> AccountVerifier:
    return AccountVerifier(login.base_url, login.session())


@pytest.mark.parametrize(("email", "expected"), [
    ("jane@contoso.example", WORK_OR_SCHOOL),
    ("Jan@Fabrikam.example", WORK_OR_SCHOOL),
    ("someone@outlook.com", CONSUMER),
    ("someone@nowhere.example", UNKNOWN_DOMAIN),
    ("not-an-email", INVALID),
    ("two@@signs.example", INVALID),
])
async def test_account_kinds(fake_login: FakeLogin, email: str, expected: str) -> None:
    assert await verifier(fake_login).check(email) == expected


async def test_syntax_is_checked_before_any_request(fake_login: FakeLogin) -> None:
    await verifier(fake_login).check("not-an-email")
    assert not [p for p, _ in fake_login.requests if "userrealm" in p]
