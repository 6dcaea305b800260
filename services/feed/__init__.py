"""The live data feed (POST /api/feed)."""

from services.feed.auth import FeedAuth, FeedUnauthorized, signature
from services.feed.service import FeedResponse, FeedService

__all__ = ["FeedAuth", "FeedResponse", "FeedService", "FeedUnauthorized", "signature"]
