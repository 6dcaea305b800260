"""What the activation service gives back: plain dataclasses, no ORM rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any


class ActivationError(Exception):
    """A refused activation step; `code` says why (a translated message), `detail` is
    safe to show (a name, an address, a limit)."""

    def __init__(self, code: str, detail: str = "") -> None:
        self.code = code
        self.detail = detail
        super().__init__(f"{code}: {detail}" if detail else code)


@dataclass(frozen=True)
class Target:
    id: str
    name: str
    kind: str
    onboarding: str
    parent_name: str | None


@dataclass(frozen=True)
class NewCustomer:
    name: str
    domain: str
    country: str


@dataclass(frozen=True)
class SentLink:
    link_id: int
    organization_id: str
    organization_name: str
    recipient: str
    expires_at: dt.datetime
    revoked: int  # earlier links of the organization revoked by this one
    created: bool  # the organization was created with this link


@dataclass(frozen=True)
class Landing:
    link_id: int
    organization_name: str
    sender_name: str
    sender_organization: str
    expires_at: dt.datetime
    language: str
    consent_url: str


@dataclass(frozen=True)
class Completion:
    """The outcome of Microsoft's callback, and whom to tell."""

    organization_id: str
    organization_name: str
    tenant_id: str | None
    sender_id: int
    sender_conversation: dict[str, Any] | None
    error: str | None = None  # the consent error, when the customer's admin did not consent
    # A consent proven for a tenant other than the domain's: the sender must confirm it.
    link_id: int | None = None
    pending_tenant: str | None = None
    domain: str | None = None
    domain_tenant: str | None = None  # None: the domain's tenant could not be found

    @property
    def pending(self) -> bool:
        return self.pending_tenant is not None

    @property
    def language(self) -> str:
        locale = str((self.sender_conversation or {}).get("locale") or "")
        return "fr" if locale.lower().startswith("fr") else "en"


@dataclass(frozen=True)
class LinkView:
    id: int
    organization_id: str
    organization_name: str
    recipient: str
    language: str
    sent_by: str
    created_at: dt.datetime
    expires_at: dt.datetime
    state: str  # sent / opened / pending (a consent to confirm) / used / expired / revoked
    opened_at: dt.datetime | None
    used_at: dt.datetime | None
    tenant_id: str | None
