"""The live data feed (POST /api/feed)."""

from services.feed.auth import (
    MAX_SKEW_S,
    Credentials,
    FeedAuth,
    FeedForbidden,
    FeedTokenValidator,
    FeedUnauthorized,
    signature,
)
from services.feed.replay import SignatureLedger
from services.feed.service import FeedResponse, FeedService

__all__ = ["MAX_SKEW_S", "Credentials", "FeedAuth", "FeedForbidden", "FeedResponse",
           "FeedService", "FeedTokenValidator", "FeedUnauthorized", "SignatureLedger",
           "signature"]
