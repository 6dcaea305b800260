"""Every Action.Execute verb the bot understands, in one place (bot/routing.py maps each
to its handler)."""

from __future__ import annotations

HELP = "help"
LIST_PAGE = "list_page"  # another page of a list; data: the query and the offset
SHOW_ORG = "show_org"  # one organization's details; data: {"org": id}
OPERATORS_PAGE = "operators_page"  # data: {"offset": n}
APPROVE_REQUEST = "approve_request"  # data: {"request": id}
REJECT_REQUEST = "reject_request"
REQUEST_REFRESH = "request_refresh"  # Universal Actions refresh: each viewer's own view
CONFIRM_REMOVE = "confirm_remove"  # data: {"email": ..., "again": bool}
CONFIRM_ROLE = "confirm_role"  # data: {"email": ..., "role": ...}
SEND_ACTIVATION = "send_activation"  # start the activation dialog; data: {"org": id}
NOTIFY_SUBSCRIBE = "notify_subscribe"  # subscribe this conversation; data: {"lead_days": [...]}
# leave an organization out of this conversation's digests; data: {"org": id, "days": n}
NOTIFY_SNOOZE = "notify_snooze"
# "Download CSV" on a posted monthly licence report; data: {"year": y, "month": m}
REPORT_CSV = "report_csv"

# Action.Submit data of a dialog's cards (add operator, send activation): whose dialog the
# card belongs to. It only chooses the answer to a click by someone else ("not yours");
# whose dialog runs is decided from the sender's own state, never from this value.
DIALOG_OWNER = "owner"

# A consent from another tenant than the domain's (sent to the link's sender); data:
# {"link": id, "tenant": the tenant shown}, checked against the link, never trusted.
CONFIRM_ACTIVATION = "confirm_activation"
CANCEL_ACTIVATION = "cancel_activation"  # data: {"link": id}
