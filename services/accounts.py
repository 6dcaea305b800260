"""Is this e-mail a Microsoft 365 work or school account? Syntax first, then a list of
consumer mail domains (personal accounts, refused without asking anyone), then msal's
user realm discovery: a managed or federated namespace is work or school; a consumer
Microsoft account (MSA) or an unknown namespace is not.

In local mode (no BOT_ID: one machine, often offline) there is no discovery: what passes
the syntax and the consumer list is taken as work or school (the bot warns at start-up
that the Microsoft 365 check is off)."""

from __future__ import annotations

import logging
import re
from typing import Any

from services.msal_client import DEFAULT_TIMEOUT_S, LoginUnavailable, MsalClient
from services.network.validate import EMAIL_RE

logger = logging.getLogger(__name__)

WORK_OR_SCHOOL = "work_or_school"
CONSUMER = "consumer"
UNKNOWN_DOMAIN = "unknown_domain"
INVALID = "invalid"
UNAVAILABLE = "unavailable"  # the discovery service could not be reached

# Personal mail providers. Families cover every country domain of a brand
# (hotmail.fr, yahoo.co.uk, gmx.de, yandex.ru...); the rest are exact domains. Add to
# these as partners report new ones: a domain here is refused in every mode.
CONSUMER_FAMILIES = ("hotmail", "live", "outlook", "windowslive", "msn", "yahoo", "ymail",
                     "gmx", "yandex", "aol", "libero", "tiscali")
CONSUMER_DOMAINS = frozenset({
    # Microsoft, Google, Apple, AOL, Yahoo
    "outlook.com", "hotmail.com", "live.com", "msn.com", "passport.com", "gmail.com",
    "googlemail.com", "icloud.com", "me.com", "mac.com", "aol.com", "aim.com",
    "yahoo.com", "ymail.com", "rocketmail.com",
    # privacy and independent providers
    "proton.me", "protonmail.com", "protonmail.ch", "pm.me", "tutanota.com",
    "tutanota.de", "tuta.io", "tuta.com", "fastmail.com", "hey.com", "hushmail.com",
    "mail.com", "email.com", "zoho.eu", "mailfence.com", "posteo.de", "mailbox.org",
    # France
    "orange.fr", "wanadoo.fr", "free.fr", "laposte.net", "sfr.fr", "neuf.fr",
    "bbox.fr", "numericable.fr", "club-internet.fr", "aliceadsl.fr", "voila.fr",
    "cegetel.net", "noos.fr", "9online.fr",
    # Belgium, Switzerland, Germany, Austria, Netherlands
    "skynet.be", "telenet.be", "proximus.be", "bluewin.ch", "hispeed.ch", "web.de",
    "t-online.de", "freenet.de", "arcor.de", "gmx.net", "chello.at", "ziggo.nl",
    "kpnmail.nl", "planet.nl", "home.nl",
    # Italy, Spain, Portugal
    "virgilio.it", "alice.it", "tin.it", "fastwebnet.it", "telefonica.net", "terra.es",
    "sapo.pt",
    # United Kingdom, Ireland
    "btinternet.com", "sky.com", "virginmedia.com", "ntlworld.com", "talktalk.net",
    "blueyonder.co.uk", "eircom.net",
    # Nordics, Central and Eastern Europe
    "seznam.cz", "centrum.cz", "wp.pl", "o2.pl", "onet.pl", "interia.pl", "op.pl",
    "mail.ru", "bk.ru", "inbox.ru", "list.ru", "ya.ru", "rambler.ru", "ukr.net",
    "abv.bg", "freemail.hu", "telia.com", "online.no",
    # Americas, Asia
    "comcast.net", "verizon.net", "att.net", "sbcglobal.net", "bellsouth.net",
    "cox.net", "charter.net", "earthlink.net", "shaw.ca", "rogers.com", "sympatico.ca",
    "videotron.ca", "uol.com.br", "bol.com.br", "terra.com.br", "qq.com", "163.com",
    "126.com", "sina.com", "naver.com", "daum.net", "hanmail.net", "rediffmail.com",
})
_FAMILY_RE = re.compile(
    r"^(?:" + "|".join(CONSUMER_FAMILIES) + r")\.(?:com|net|org|[a-z]{2}|(?:co|com)\.[a-z]{2})$")


def is_consumer_domain(domain: str) -> bool:
    """A personal mail provider's domain (or one of its subdomains)."""
    domain = domain.strip().lower().rstrip(".")
    labels = domain.split(".")
    return any(".".join(labels[i:]) in CONSUMER_DOMAINS for i in range(len(labels) - 1)) \
        or bool(_FAMILY_RE.match(domain))


class AccountVerifier:
    def __init__(self, login_base_url: str = "https://login.microsoftonline.com",
                 http_client: Any = None, *, timeout_s: float = DEFAULT_TIMEOUT_S,
                 local: bool = False) -> None:
        self.local = local
        self._msal = MsalClient(login_base_url, timeout_s, http_client)
        self._authority: Any = None

    def _discover(self, email: str) -> dict[str, Any]:
        if self._authority is None:
            self._authority = self._msal.authority("common")
        result = self._authority.user_realm_discovery(email)
        return result if isinstance(result, dict) else {}

    async def check(self, email: str) -> str:
        email = email.strip().lower()
        if not EMAIL_RE.match(email) or len(email) > 320:
            return INVALID
        if is_consumer_domain(email.rsplit("@", 1)[1]):
            return CONSUMER
        if self.local:
            return WORK_OR_SCHOOL  # local mode: the Microsoft 365 check is off
        try:
            realm = await self._msal.run(self._discover, email)
        except LoginUnavailable as exc:
            logger.warning("user realm discovery failed: %s", exc)
            return UNAVAILABLE
        except Exception as exc:  # noqa: BLE001 - e.g. a 5xx from the service: say so
            logger.warning("user realm discovery failed: %s", exc.__class__.__name__)
            return UNAVAILABLE
        account_type = str(realm.get("account_type", "")).lower()
        if account_type in {"managed", "federated"}:
            return WORK_OR_SCHOOL
        if account_type == "msa":
            return CONSUMER
        return UNKNOWN_DOMAIN
