"""Understanding: text + locale + today -> a typed Query.

Intents are declared as data (services/understanding/intents.py); the bot maps each
intent name to one handler."""

from services.understanding.model import Query, understand

__all__ = ["Query", "understand"]
