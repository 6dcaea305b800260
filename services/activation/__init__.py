"""Activation links: onboarding a customer tenant by Microsoft admin consent."""

from services.activation.service import (
    ActivationPolicy,
    ActivationService,
    link_state,
    may_send_for,
)
from services.activation.views import (
    ActivationError,
    Completion,
    Landing,
    LinkView,
    NewCustomer,
    SentLink,
    Target,
)

__all__ = ["ActivationError", "ActivationPolicy", "ActivationService", "Completion", "Landing",
           "LinkView", "NewCustomer", "SentLink", "Target", "link_state", "may_send_for"]
