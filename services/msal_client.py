"""msal, bounded: the one way this code base talks to the Microsoft identity platform
(user realm discovery, on-behalf-of, client credentials).

- every HTTP request msal makes has a timeout (OUTBOUND_TIMEOUT), through the
  `http_client` given to msal;
- msal's blocking calls run in a small thread pool of their own, never in the default
  executor that JWT key refreshes and name-index builds share, so a hung login endpoint
  can exhaust at most these few threads;
- each call, queueing included, is bounded by the same timeout on the event loop; a call
  past it raises LoginUnavailable("timeout") while its thread finishes on its own
  request timeout."""

from __future__ import annotations

import asyncio
import functools
import logging
import urllib.parse
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import msal
import msal.authority
import requests

logger = logging.getLogger(__name__)

T = TypeVar("T")
DEFAULT_TIMEOUT_S = 10.0
WORKERS = 4
LOGIN_BASE_URL = "https://login.microsoftonline.com"


class LoginUnavailable(Exception):
    """The login endpoint did not answer within the timeout, or could not be reached.
    `reason` is "timeout" or the network error's class name (never a secret)."""

    def __init__(self, reason: str, timeout_s: float) -> None:
        self.reason = reason
        what = f"did not answer within {timeout_s:g}s" if reason == "timeout" \
            else f"could not be reached ({reason})"
        super().__init__(f"the login endpoint {what}")


class BoundedSession(requests.Session):
    """The requests session msal uses: every request gets a timeout of at most
    TIMEOUT_S, and a non-default port of the login base URL (a proxy, a local
    stand-in) is put back where msal builds URLs from the host name alone (user realm
    discovery). INNER, when given (tests trusting a local certificate), sends."""

    def __init__(self, timeout_s: float, login_base_url: str = LOGIN_BASE_URL,
                 inner: requests.Session | None = None) -> None:
        super().__init__()
        self.timeout_s = timeout_s
        self._inner = inner
        parsed = urllib.parse.urlsplit(login_base_url)
        self._ported: tuple[str, str] | None = None
        if parsed.port and parsed.hostname:
            self._ported = (f"https://{parsed.hostname}/", f"https://{parsed.netloc}/")

    def request(self, method: str | bytes, url: str | bytes,  # type: ignore[override]
                *args: Any, **kwargs: Any) -> requests.Response:
        url = url.decode() if isinstance(url, bytes) else url
        method = method.decode() if isinstance(method, bytes) else method
        if self._ported and url.startswith(self._ported[0]):
            url = self._ported[1] + url[len(self._ported[0]):]
        given = kwargs.get("timeout")
        if not isinstance(given, int | float) or given <= 0 or given > self.timeout_s:
            kwargs["timeout"] = self.timeout_s
        if self._inner is not None:
            return self._inner.request(method, url, *args, **kwargs)
        return super().request(method, url, *args, **kwargs)

    def close(self) -> None:
        if self._inner is not None:
            self._inner.close()
        super().close()


class MsalClient:
    """Builds msal applications on a bounded session and runs their blocking calls in
    its own threads, each bounded by TIMEOUT_S."""

    def __init__(self, login_base_url: str = LOGIN_BASE_URL,
                 timeout_s: float = DEFAULT_TIMEOUT_S, http_client: Any = None,
                 workers: int = WORKERS) -> None:
        self.login_base_url = login_base_url.rstrip("/")
        self.timeout_s = timeout_s
        self.http = BoundedSession(timeout_s, login_base_url, http_client)
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="msal")

    def authority_url(self, tenant: str) -> str:
        return f"{self.login_base_url}/{tenant}"

    def confidential(self, client_id: str, client_secret: str, tenant: str,
                     token_cache: msal.TokenCache | None = None
                     ) -> msal.ConfidentialClientApplication:
        """A confidential client for TENANT's authority (does network I/O: call it inside
        `run`)."""
        return msal.ConfidentialClientApplication(
            client_id, client_credential=client_secret, authority=self.authority_url(tenant),
            http_client=self.http, instance_discovery=False, token_cache=token_cache)

    def authority(self, tenant: str = "common") -> msal.authority.Authority:
        """An authority for user realm discovery (reads its metadata: inside `run`)."""
        return msal.authority.Authority(self.authority_url(tenant), self.http,
                                        instance_discovery=False)

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """FN(*ARGS) in the msal threads, within the timeout; LoginUnavailable when the
        login endpoint is too slow or out of reach. Other errors pass through."""
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._pool, functools.partial(fn, *args))
        try:
            async with asyncio.timeout(self.timeout_s):
                return await future
        except TimeoutError:  # ours, or the socket's
            raise LoginUnavailable("timeout", self.timeout_s) from None
        except requests.Timeout:
            raise LoginUnavailable("timeout", self.timeout_s) from None
        except requests.RequestException as exc:
            raise LoginUnavailable(type(exc).__name__, self.timeout_s) from None

    def close(self) -> None:
        """Stop taking calls; threads still waiting on a request end on its timeout."""
        self._pool.shutdown(wait=False, cancel_futures=True)
        self.http.close()
