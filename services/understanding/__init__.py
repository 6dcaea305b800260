"""Understanding: text + locale + today -> a typed Query (English and French).

Concepts (lexicon.py) and intent rules (intents.py) are declared as data; dates
(dates.py), numbers (numbers.py) and names (names.py) are recognized first."""

from services.understanding.model import Filters, Intent, Query
from services.understanding.parser import NameLookup, parse

__all__ = ["Filters", "Intent", "NameLookup", "Query", "parse"]
