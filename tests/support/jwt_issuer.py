"""A real, local OpenID issuer for the Bot Framework channel tokens, for tests.

It generates an RSA key, serves `/.well-known/openid-configuration` and `/keys` (a JWKS
whose key carries a `kid` and Bot Framework `endorsements`) over HTTP on 127.0.0.1,
and signs tokens the way the Bot Connector does (RS256, issuer
https://api.botframework.com, audience = the bot id, a `serviceurl` claim).

The server runs in a background thread: botbuilder fetches the metadata with the
blocking `requests` library from inside the event loop, so an aiohttp server on the
same loop would deadlock.

It can also forge the tokens an attacker would send: signed with an unknown key,
with a `kid` it does not publish, expired, HS256 (keyed with the public key), or
`alg: none`.

    with LocalIssuer() as issuer:
        settings = load_settings(BOT_OPENID_METADATA_URL=issuer.metadata_url, ...)
        header = f"Bearer {issuer.token('bot-id', service_url='https://smba...')}"
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"
DEFAULT_ENDORSEMENTS = ("msteams", "emulator")
METADATA_PATH = "/.well-known/openid-configuration"
KEYS_PATH = "/keys"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64json(value: dict[str, Any]) -> str:
    return _b64url(json.dumps(value, separators=(",", ":")).encode("utf-8"))


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class LocalIssuer:
    """An OpenID issuer on 127.0.0.1 (port chosen by the OS) with one published key."""

    def __init__(
        self,
        *,
        endorsements: Sequence[str] = DEFAULT_ENDORSEMENTS,
        issuer: str = BOT_FRAMEWORK_ISSUER,
    ) -> None:
        self.issuer = issuer
        self.endorsements = list(endorsements)
        self.kid = f"local-{uuid.uuid4().hex[:12]}"
        self.key = _new_key()
        self._other_key: rsa.RSAPrivateKey | None = None
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.requests: list[str] = []
        """The paths fetched so far, in order (to check the metadata was really used)."""

    # -- the HTTP server -------------------------------------------------------------

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the issuer is not started")
        return f"http://127.0.0.1:{self._server.server_port}"

    @property
    def metadata_url(self) -> str:
        return self.base_url + METADATA_PATH

    @property
    def jwks_uri(self) -> str:
        return self.base_url + KEYS_PATH

    def metadata(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": self.base_url + "/authorize",
            "jwks_uri": self.jwks_uri,
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        }

    def jwks(self) -> dict[str, Any]:
        jwk: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update(kid=self.kid, use="sig", alg="RS256", endorsements=list(self.endorsements))
        return {"keys": [jwk]}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                path = self.path.split("?", 1)[0]
                with issuer._lock:
                    issuer.requests.append(path)
                if path == METADATA_PATH:
                    self._json(issuer.metadata())
                elif path == KEYS_PATH:
                    self._json(issuer.jwks())
                else:
                    self.send_error(404)

            def _json(self, value: dict[str, Any]) -> None:
                body = json.dumps(value).encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass  # keep test output quiet

        return Handler

    def start(self) -> LocalIssuer:
        if self._server is not None:
            return self
        server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, name="local-jwt-issuer",
                                  kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        self._server, self._thread = server, thread
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> LocalIssuer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- tokens ----------------------------------------------------------------------

    @property
    def other_key(self) -> rsa.RSAPrivateKey:
        """A key the server does not publish (generated on first use)."""
        if self._other_key is None:
            self._other_key = _new_key()
        return self._other_key

    def public_key_pem(self) -> bytes:
        return self.key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def claims(
        self,
        audience: str,
        *,
        service_url: str | None = None,
        issuer: str | None = None,
        expires_in: float = 3600,
        not_before: float = -60,
        issued_at: float | None = None,
        extra: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The payload of a channel token; times are seconds relative to now."""
        now = int(time.time())
        payload: dict[str, Any] = {
            "iss": self.issuer if issuer is None else issuer,
            "aud": audience,
            "iat": now + int(not_before if issued_at is None else issued_at),
            "nbf": now + int(not_before),
            "exp": now + int(expires_in),
        }
        if service_url is not None:
            payload["serviceurl"] = service_url
        payload.update(extra or {})
        return payload

    def token(
        self,
        audience: str,
        *,
        service_url: str | None = None,
        issuer: str | None = None,
        expires_in: float = 3600,
        not_before: float = -60,
        extra: dict[str, Any] | None = None,
        key: rsa.RSAPrivateKey | None = None,
        kid: str | None = "",
        headers: dict[str, Any] | None = None,
    ) -> str:
        """An RS256 channel token for AUDIENCE (the bot id), signed by the published key.

        KEY signs with another private key; KID overrides the header's `kid` ("" means
        the published kid, None leaves it out)."""
        payload = self.claims(audience, service_url=service_url, issuer=issuer,
                              expires_in=expires_in, not_before=not_before, extra=extra)
        header: dict[str, Any] = dict(headers or {})
        if kid is not None:
            header["kid"] = kid or self.kid
        return jwt.encode(payload, key or self.key, algorithm="RS256", headers=header)

    def header(self, audience: str, **kwargs: Any) -> str:
        """`Bearer <token>` for an Authorization header."""
        return f"Bearer {self.token(audience, **kwargs)}"

    # -- forgeries -------------------------------------------------------------------

    def wrong_key_token(self, audience: str, **kwargs: Any) -> str:
        """Signed by an unpublished key but claiming the published kid."""
        return self.token(audience, key=self.other_key, **kwargs)

    def unknown_kid_token(self, audience: str, **kwargs: Any) -> str:
        """Signed by an unpublished key, with a kid the server does not publish."""
        return self.token(audience, key=self.other_key,
                          kid=f"unknown-{uuid.uuid4().hex[:8]}", **kwargs)

    def expired_token(self, audience: str, *, expired_for: float = 3600,
                      **kwargs: Any) -> str:
        """Expired EXPIRED_FOR seconds ago (botbuilder allows 5 minutes of skew)."""
        return self.token(audience, expires_in=-expired_for,
                          not_before=-expired_for - 3600, **kwargs)

    def hs256_token(self, audience: str, *, secret: bytes | None = None,
                    **kwargs: Any) -> str:
        """HS256 with the published kid, keyed by default with the public key's PEM
        (the algorithm-confusion attack). Built by hand: PyJWT refuses PEM HMAC keys."""
        payload = self.claims(audience, **kwargs)
        signing_input = (_b64json({"alg": "HS256", "typ": "JWT", "kid": self.kid})
                         + "." + _b64json(payload))
        key = self.public_key_pem() if secret is None else secret
        signature = hmac.new(key, signing_input.encode("ascii"), hashlib.sha256).digest()
        return signing_input + "." + _b64url(signature)

    def unsigned_token(self, audience: str, *, alg: str = "none", **kwargs: Any) -> str:
        """`alg: none`, the published kid, and an empty signature."""
        payload = self.claims(audience, **kwargs)
        return (_b64json({"alg": alg, "typ": "JWT", "kid": self.kid})
                + "." + _b64json(payload) + ".")


@pytest.fixture(name="jwt_issuer")
def jwt_issuer_fixture() -> Iterator[LocalIssuer]:
    """The `jwt_issuer` fixture: a started LocalIssuer, stopped after the test. Import
    `jwt_issuer_fixture` into a test module (or conftest) to use it."""
    with LocalIssuer() as issuer:
        yield issuer


__all__ = ["BOT_FRAMEWORK_ISSUER", "LocalIssuer", "jwt_issuer_fixture"]


@contextmanager
def fresh_channel_keys() -> Iterator[None]:
    """botbuilder keeps the channel metadata URL and the fetched keys in class
    attributes: a test that points them at a local issuer puts them back after."""
    from botframework.connector.auth import ChannelValidation, JwtTokenExtractor

    endpoint = ChannelValidation.open_id_metadata_endpoint
    JwtTokenExtractor.metadataCache.clear()
    try:
        yield
    finally:
        ChannelValidation.open_id_metadata_endpoint = endpoint
        JwtTokenExtractor.metadataCache.clear()
