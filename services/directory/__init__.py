"""Directory queries over the partner network, always through the caller's Scope."""

from services.directory.filters import effective as effective_filters
from services.directory.names import NameResolver
from services.directory.queries import Directory, NotFound, org_expiry
from services.directory.views import OrgPage, OrgRef, OrgRow

__all__ = ["Directory", "NameResolver", "NotFound", "OrgPage", "OrgRef", "OrgRow",
           "effective_filters", "org_expiry"]
