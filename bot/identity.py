"""Who is speaking: the operator behind an activity.

Local mode and, until Teams SSO lands, deployments identify the operator by the
activity's `from.aadObjectId`, which the Bot Connector asserts for Teams traffic; a
tenant that differs from the operator's is refused. Local mode authenticates nothing, so
a tenant check would prove nothing there: it is skipped, which lets one Agents Playground
(a single tenant) speak as operators of several organizations."""

from __future__ import annotations

import logging

from botbuilder.core import TurnContext

from dialogs.common import activity_tenant
from services.scope import Scope, ScopeService

logger = logging.getLogger(__name__)


async def resolve_operator(context: TurnContext, scopes: ScopeService,
                           check_tenant: bool = True) -> Scope | None:
    sender = context.activity.from_property
    aad = getattr(sender, "aad_object_id", None) if sender is not None else None
    if not isinstance(aad, str) or not aad:
        return None
    scope = await scopes.for_aad_object_id(aad)
    if scope is None:
        return None
    tenant = activity_tenant(context)
    if check_tenant and tenant and scope.tenant_id and tenant.lower() != scope.tenant_id.lower():
        logger.warning("operator %s spoke from tenant %s, not theirs; refused",
                       scope.operator_id, tenant)
        return None
    return scope
