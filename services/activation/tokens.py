"""Activation link tokens and the signed consent `state`.

A token is 32 random bytes, URL-safe base64 (43 characters); only its SHA-256 is
stored. The `state` sent through Microsoft's admin consent is `<link id>.<signature>`,
an HMAC over the link id and the token's hash: a state cannot be moved to another link,
and cannot be made without the token (or the database and the server key)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")
STATE_RE = re.compile(r"^([1-9][0-9]{0,17})\.([A-Za-z0-9_-]{43})$")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def well_formed(token: str) -> bool:
    return bool(TOKEN_RE.match(token))


def _signature(key: bytes, link_id: int, hashed: str) -> str:
    mac = hmac.new(key, f"activation-state|{link_id}|{hashed}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).decode().rstrip("=")


def sign_state(key: bytes, link_id: int, hashed: str) -> str:
    return f"{link_id}.{_signature(key, link_id, hashed)}"


def state_link_id(state: str) -> int | None:
    """The link id a well-formed state names (not yet verified)."""
    match = STATE_RE.match(state or "")
    return int(match.group(1)) if match else None


def state_valid(key: bytes, state: str, link_id: int, hashed: str) -> bool:
    """Constant-time check that STATE was signed for this link and token."""
    return hmac.compare_digest(state.encode(), sign_state(key, link_id, hashed).encode())


def state_key(secret: str, bot_password: str) -> bytes:
    """The server key: ACTIVATION_SECRET, else derived from the bot's password; local mode
    (neither) still binds the state to the token through its hash."""
    material = secret or bot_password
    return hashlib.sha256(f"partnerbot-activation-state|{material}".encode()).digest()
