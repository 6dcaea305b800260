"""Proactive expiry notifications: subscriptions, the daily pass, the outbox sender."""

from services.notifications.service import NotificationService, clean_leads, due_lead
from services.notifications.views import (
    DEFAULT_LEAD_DAYS,
    Digest,
    DigestItem,
    NotificationError,
    PassResult,
    SubscriptionView,
)

__all__ = ["DEFAULT_LEAD_DAYS", "Digest", "DigestItem", "NotificationError",
           "NotificationService", "PassResult", "SubscriptionView", "clean_leads", "due_lead"]
