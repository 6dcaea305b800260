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
    is_consumer_domain,
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


# --- consumer domains and local mode (issue 16) ---------------------------------------


@pytest.mark.parametrize("email", [
    "someone@gmail.com", "someone@googlemail.com", "someone@hotmail.fr",
    "someone@live.co.uk", "someone@yahoo.co.jp", "someone@icloud.com", "someone@gmx.de",
    "someone@proton.me", "someone@orange.fr", "someone@laposte.net", "someone@yandex.ru",
    "someone@mail.ru", "someone@Outlook.com",
])
async def test_consumer_domains_are_refused_without_asking(fake_login: FakeLogin,
                                                           email: str) -> None:
    for local in (False, True):
        checked = AccountVerifier(fake_login.base_url, fake_login.session(), local=local)
        assert await checked.check(email) == CONSUMER, (email, local)
    assert fake_login.requests == []


@pytest.mark.parametrize(("domain", "consumer"), [
    ("contoso.com", False), ("live.contoso.com", False), ("hotmail-partners.fr", False),
    ("gmail.contoso.example", False), ("mail.gmail.com", True), ("yahoo.com.br", True),
])
def test_the_consumer_list_matches_providers_not_lookalikes(domain: str,
                                                            consumer: bool) -> None:
    assert is_consumer_domain(domain) is consumer


@pytest.mark.parametrize(("email", "expected"), [
    ("jane@contoso.example", WORK_OR_SCHOOL),
    ("someone@nowhere.example", WORK_OR_SCHOOL),  # no discovery offline: syntax is enough
    ("someone@outlook.com", CONSUMER),
    ("not-an-email", INVALID),
])
async def test_local_mode_makes_no_network_call(email: str, expected: str) -> None:
    """Local mode: no login endpoint at all (a closed port would fail any request)."""
    offline = AccountVerifier("https://127.0.0.1:9", local=True)
    assert await offline.check(email) == expected
