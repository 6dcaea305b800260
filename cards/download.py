"""The "Download CSV" button of list, ranking and breakdown cards (Action.OpenUrl to a
short-lived link on the bot's host; see services.exports)."""

from __future__ import annotations

from typing import Any

from microsoft_teams.cards import OpenUrlAction

from services.i18n import Messages

EXPORT_ACTION_ID = "export.csv"


def download_actions(url: str | None, tr: Messages) -> list[Any] | None:
    """The card's actions: the download button when the card has a link."""
    if not url:
        return None
    return [OpenUrlAction(id=EXPORT_ACTION_ID, title=tr("export.button"), url=url)]


def with_export_url(value: Any, url: str) -> Any:
    """A copy of a card whose "Download CSV" button opens URL (a cached card gets the
    asker's own new link)."""
    if isinstance(value, list):
        return [with_export_url(v, url) for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: with_export_url(v, url) for k, v in value.items()}
    if out.get("type") == "Action.OpenUrl" and out.get("id") == EXPORT_ACTION_ID:
        out["url"] = url
    return out


def export_url_of(card: dict[str, Any]) -> str | None:
    """The card's download link, if it has one."""
    for action in card.get("actions") or []:
        if action.get("type") == "Action.OpenUrl" and action.get("id") == EXPORT_ACTION_ID:
            return str(action["url"])
    return None
