"""A small real Microsoft identity platform stand-in: HTTPS on 127.0.0.1 with a
self-signed certificate (msal accepts https authorities only), serving tenant metadata and
the token endpoint. Records every request; can be told to fail.

Admin consent as Entra does it: client credentials in a tenant (a GUID in the path) are
granted only once that tenant consented (`consent()`, or the consent redirect), and the
access token is a JWT whose payload names the tenant (`tid`) and the app (`appid`).
OpenID discovery answers per domain (`domains`: the domain's tenant, or None for a domain
no tenant has). `unreachable()` stops the server: its port refuses connections."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import ipaddress
import json
import re
import ssl
import tempfile
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

GUID_RE = re.compile(r"^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$")


def _b64(value: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def _self_signed(directory: Path) -> tuple[Path, Path]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class FakeLogin:
    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, list[str]]]] = []
        self.fail_with: str | None = None
        # hang: every request is read and never answered (a hung login endpoint) until
        # the server stops; `hung` counts the requests left waiting.
        self.hang = False
        self.hung = 0
        self._released = threading.Event()
        # domain -> account_type answered by user realm discovery
        self.realms: dict[str, str] = {"contoso.example": "Managed",
                                       "fabrikam.example": "Federated",
                                       "outlook.com": "MSA", "hotmail.com": "MSA"}
        # Admin consent (GET /{tenant}/v2.0/adminconsent): the tenant that consents, or
        # the (error, description) Microsoft returns instead; the redirect it answered.
        self.consent_tenant = "00000000-0000-0000-0000-00000000c0de"
        self.consent_error: tuple[str, str] | None = None
        self.last_redirect: str | None = None
        # Tenants whose admin consented to the app: the only GUID tenants that get
        # client-credential tokens. Domain -> tenant for OpenID discovery (None: unknown
        # to Microsoft); a domain not listed is answered with itself as the tenant.
        self.consented: set[str] = set()
        self.domains: dict[str, str | None] = {}
        # tenant in the path -> the `tid` its tokens name (a login that answers for
        # another tenant than asked: never trusted)
        self.token_tids: dict[str, str] = {}
        self._stopped = False
        self._dir = tempfile.TemporaryDirectory()
        self.cert, key = _self_signed(Path(self._dir.name))
        login = self

        class Handler(BaseHTTPRequestHandler):
            def _json(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _hung(self) -> bool:
                if not login.hang:
                    return False
                login.hung += 1
                login._released.wait(60)
                return True

            def do_GET(self) -> None:  # noqa: N802
                tenant = self.path.strip("/").split("/")[0]
                login.requests.append((self.path, {}))
                if self._hung():
                    return
                if "/v2.0/adminconsent" in self.path:
                    self._consent()
                    return
                if "/userrealm/" in self.path:
                    user = urllib.parse.unquote(self.path.split("/userrealm/")[1].split("?")[0])
                    domain = user.rsplit("@", 1)[-1]
                    self._json(200, {"ver": "1.0", "account_type":
                                     login.realms.get(domain, "Unknown"),
                                     "domain_name": domain})
                    return
                base = login.base_url
                if tenant in login.domains:
                    if login.domains[tenant] is None:
                        self._json(400, {"error": "invalid_tenant", "error_description":
                                         f"AADSTS90002: Tenant '{tenant}' not found."})
                        return
                    tenant = str(login.domains[tenant])
                self._json(200, {
                    "token_endpoint": f"{base}/{tenant}/oauth2/v2.0/token",
                    "authorization_endpoint": f"{base}/{tenant}/oauth2/v2.0/authorize",
                    "issuer": f"{base}/{tenant}/v2.0",
                    "device_authorization_endpoint": f"{base}/{tenant}/oauth2/v2.0/devicecode",
                })

            def _consent(self) -> None:
                """As Microsoft does once the admin decided: back to redirect_uri."""
                query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
                back = {"state": query.get("state", [""])[0]}
                if login.consent_error:
                    back.update(error=login.consent_error[0],
                                error_description=login.consent_error[1])
                else:
                    back.update(admin_consent="True", tenant=login.consent_tenant)
                    login.consented.add(login.consent_tenant)
                location = query.get("redirect_uri", [""])[0] + "?" + \
                    urllib.parse.urlencode(back)
                login.last_redirect = location
                self.send_response(302)
                self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length", "0"))
                form = urllib.parse.parse_qs(self.rfile.read(length).decode())
                login.requests.append((self.path, form))
                if self._hung():
                    return
                if login.fail_with:
                    self._json(400, {"error": login.fail_with,
                                     "error_description": "AADSTS50013: assertion failed"})
                    return
                assertion = form.get("assertion", [""])[0]
                tenant = self.path.strip("/").split("/")[0]
                uid = hashlib.sha256(assertion.encode()).hexdigest()[:32]
                client_info = base64.urlsafe_b64encode(json.dumps(
                    {"uid": uid, "utid": tenant}).encode()).decode().rstrip("=")
                body = {"token_type": "Bearer", "expires_in": 3600,
                        "access_token": f"graph-for-{assertion[-8:] or 'app'}",
                        "scope": " ".join(form.get("scope", []))}
                if form.get("grant_type") != ["client_credentials"]:  # no user for app tokens
                    body["client_info"] = client_info
                elif GUID_RE.match(tenant):  # an app-only token in a customer's tenant
                    if tenant not in login.consented:
                        self._json(400, {"error": "unauthorized_client", "error_description":
                                         f"AADSTS700016: Application not found in the "
                                         f"directory '{tenant}'."})
                        return
                    claims = {"aud": "https://graph.microsoft.com",
                              "tid": login.token_tids.get(tenant, tenant),
                              "appid": form.get("client_id", [""])[0], "idtyp": "app",
                              "iss": f"https://sts.windows.net/{tenant}/"}
                    body["access_token"] = ".".join(
                        (_b64({"typ": "JWT", "alg": "RS256", "nonce": uid}), _b64(claims),
                         "c2lnbmF0dXJl"))
                self._json(200, body)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, key)
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"https://127.0.0.1:{self._server.server_port}"

    def session(self) -> requests.Session:
        """A requests session that trusts this server's certificate and reaches it even
        where msal builds URLs without a port (user realm discovery assumes 443)."""
        port = self._server.server_port

        class PortedSession(requests.Session):
            def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
                url = url.replace("https://127.0.0.1/", f"https://127.0.0.1:{port}/")
                return super().request(method, url, *args, **kwargs)

        session = PortedSession()
        session.trust_env = False  # an environment CA bundle would override `verify`
        session.verify = str(self.cert)
        return session

    def ssl_context(self) -> ssl.SSLContext:
        """A client context (aiohttp) that trusts this server's certificate."""
        return ssl.create_default_context(cafile=str(self.cert))

    def release(self) -> None:
        """Let hung requests go (unanswered): their callers see the connection close."""
        self._released.set()

    def consent(self, tenant: str) -> None:
        """TENANT's admin consented to the app (as the consent redirect records)."""
        self.consented.add(tenant)

    def unreachable(self) -> None:
        """Stop answering: connections to the port are refused from now on."""
        if not self._stopped:
            self._stopped = True
            self._server.shutdown()
            self._server.server_close()

    def token_requests(self) -> list[dict[str, list[str]]]:
        return [form for path, form in self.requests if path.endswith("/token")]

    def __enter__(self) -> FakeLogin:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
        self.unreachable()
        self._dir.cleanup()
