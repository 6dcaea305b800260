"""CSV export links: short-lived, single-use, bound to an operator and a question."""

from services.exports.links import (
    EXPORT_INTENTS,
    EXPORT_TTL_S,
    ExportQuestion,
    ExportRefused,
    ExportService,
    Redeemed,
    export_key,
)

__all__ = ["EXPORT_INTENTS", "EXPORT_TTL_S", "ExportQuestion", "ExportRefused",
           "ExportService", "Redeemed", "export_key"]
