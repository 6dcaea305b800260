"""Expiry notifications: the digest posted to a channel (or a personal chat), and the
cards of subscribing, settings, installation and removal."""

from __future__ import annotations

import datetime as dt
from typing import Any

from babel.dates import get_day_names
from microsoft_teams.cards import (
    ActionSet,
    Column,
    ColumnSet,
    Container,
    ExecuteAction,
    Fact,
    FactSet,
    TableCell,
    TableRow,
    TextBlock,
    VerticalBarChart,
    VerticalBarChartDataValue,
)

from cards import verbs
from cards.activation import send_button
from cards.common import RIGHT, card, cell, fitting, inert, note, paragraph, table, title
from services.i18n import Messages
from services.notifications.schedule import next_report_on
from services.notifications.views import (
    DEFAULT_LEAD_DAYS,
    Digest,
    DigestItem,
    LicenseChange,
    ReownedNotice,
    SnoozeView,
    SubscriptionView,
)

ROWS = 20  # digest rows shown; the rest through "Show details"
# The organization (partner, SKU and snooze button under its name), its licences and the
# days left: two columns of numbers, of fixed width, right-aligned.
DIGEST_WIDTHS: list[int | str] = [1, "84px", "64px"]
MAX_RENEWED_NAMES = 5  # "renewed since the last notice": the rest counted


def leads_text(leads: tuple[int, ...], tr: Messages) -> str:
    return ", ".join(tr("notify.days", n=d) for d in sorted(leads, reverse=True))


SNOOZE_BUTTON_DAYS = 7


def _name_cell(item: DigestItem, show_parent: bool, tr: Messages) -> TableCell:
    """The organization (a click shows it), its partner for distributors, the SKU, and
    under them the snooze button."""
    items: list[Any] = [TextBlock(text=inert(item.organization_name), wrap=True)]
    if show_parent and item.parent_name:
        items.append(note(inert(item.parent_name), is_subtle=True))
    items.append(note(inert(item.sku_name)))
    return TableCell(items=[Container(items=items, select_action=ExecuteAction(
        verb=verbs.SHOW_ORG, data={"verb": verbs.SHOW_ORG, "org": item.organization_id})),
        _snooze(item, tr)])


def _snooze(item: DigestItem, tr: Messages) -> ActionSet:
    """'Snooze 7 days': the server decides from the clicker and this conversation."""
    return ActionSet(spacing="Small", actions=[ExecuteAction(
        title=tr("notify.snooze.short"), tooltip=tr("notify.snooze.button", n=SNOOZE_BUTTON_DAYS),
        verb=verbs.NOTIFY_SNOOZE,
        data={"verb": verbs.NOTIFY_SNOOZE, "org": item.organization_id,
              "days": SNOOZE_BUTTON_DAYS})])


def _list_action(label: str, digest: Digest, renewal: str) -> ExecuteAction:
    end = digest.today + dt.timedelta(days=digest.horizon_days)
    return ExecuteAction(title=label, verb=verbs.LIST_PAGE, data={
        "verb": verbs.LIST_PAGE, "kind": "customer", "offset": 0,
        "filters": {"from": digest.today.isoformat(), "to": end.isoformat(),
                    "renewal": renewal}})


def digest_card(digest: Digest, tr: Messages) -> dict[str, Any]:
    """At-risk expiries first (seats, SKU, days left, the partner for distributors, a
    snooze button each), then one line for the renewed ones with "Show", then what was
    renewed since the last notice. At most ROWS rows, fewer when long names would not
    fit in one Teams message ("Show details" lists them all)."""
    shown = min(ROWS, len(digest.items))
    return fitting(lambda n: _digest_card(digest, tr, n), shown, least=min(1, shown))


def _renewed_since(digest: Digest, tr: Messages) -> str:
    names = ", ".join(f"{inert(i.organization_name)} ({inert(i.sku_name)})"
                      for i in digest.renewed_since[:MAX_RENEWED_NAMES])
    more = len(digest.renewed_since) - MAX_RENEWED_NAMES
    return names + (f" {tr('report.more', n=more)}" if more > 0 else "")


def _digest_card(digest: Digest, tr: Messages, shown: int) -> dict[str, Any]:
    items = digest.items
    body: list[Any] = [
        title(tr("notify.digest.at_risk_title", n=len(items))),
        paragraph(tr("notify.digest.intro", organization=inert(digest.organization_name),
                     date=tr.date(digest.today)), is_subtle=True, spacing="None"),
    ]
    if digest.renewed_since:
        body.append(paragraph(tr("notify.digest.renewed_since",
                                 names=_renewed_since(digest, tr)), color="Good"))
    if items:
        rows = [TableRow(cells=[
            _name_cell(i, digest.show_parent, tr),
            cell(tr.number(i.licenses), horizontal_alignment=RIGHT),
            cell(tr("notify.left", n=i.days_left), horizontal_alignment=RIGHT,
                 weight="Bolder" if i.days_left <= 7 else None,
                 color="Attention" if i.days_left <= 7 else None),
        ]) for i in items[:shown]]
        body.append(table(DIGEST_WIDTHS, [tr(k) for k in (
            "col.name", "col.licenses", "notify.col.left")], rows, right=(1, 2)))
        if len(items) > shown:
            body.append(paragraph(tr("notify.digest.more", n=len(items) - shown),
                                  is_subtle=True))
        body.append(paragraph(tr("notify.digest.snooze_hint", n=SNOOZE_BUTTON_DAYS),
                              is_subtle=True, size="Small"))
    elif not digest.renewed_since:
        body.append(paragraph(tr("notify.digest.none_at_risk")))
    if digest.renewed:
        body.append(ColumnSet(columns=[
            Column(width="stretch", vertical_content_alignment="Center", items=[paragraph(
                tr("notify.digest.renewing", n=len(digest.renewed)), is_subtle=True)]),
            Column(width="auto", items=[ActionSet(actions=[_list_action(
                tr("notify.digest.show"), digest, "renewed")])])]))
    if len(digest.upcoming) > 1:
        body.append(VerticalBarChart(
            title=tr("notify.digest.chart"), fallback="drop", show_bar_values=True,
            data=[VerticalBarChartDataValue(x=tr.day(week), y=n)
                  for week, n in digest.upcoming]))
    actions: list[Any] = []
    if items:
        actions.append(_list_action(tr("notify.digest.details"), digest, "at_risk"))
    pending = [i for i in items if i.onboarding != "onboarded"]
    if pending:  # the server decides who may; readers are told who can
        actions.append(send_button(tr, pending[0].organization_id))
    return card(body, actions)


def card_message(content: dict[str, Any]) -> dict[str, Any]:
    """The Bot Framework activity (JSON) the outbox posts: one Adaptive Card."""
    return {"type": "message", "attachments": [
        {"contentType": "application/vnd.microsoft.card.adaptive", "content": content}]}


def digest_activity(digest: Digest, language: str) -> dict[str, Any]:
    """The Bot Framework activity the outbox posts."""
    from services.i18n import messages

    return card_message(digest_card(digest, messages(language)))


def license_change_activity(change: LicenseChange, language: str) -> dict[str, Any]:
    """A licence count moved by more than FEED_ALERT_PCT: told to following channels."""
    from services.i18n import messages

    tr = messages(language)
    return card_message(card([title(tr("feed.license_change.title")),
                              paragraph(tr("feed.license_change.body",
                                           organization=inert(change.organization_name),
                                           sku=inert(change.sku_name),
                                           before=str(change.before),
                                           after=str(change.after)))]))


def subscribed_card(view: SubscriptionView, tr: Messages) -> dict[str, Any]:
    key = "notify.subscribed.personal" if view.kind == "personal" else "notify.subscribed"
    body: list[Any] = [title(tr("notify.subscribed.title")),
                       paragraph(tr(key, organization=inert(view.organization_name),
                                    leads=leads_text(view.lead_days, tr)))]
    if view.at_risk_only:
        body.append(paragraph(tr("notify.subscribed.at_risk_only"), is_subtle=True))
    body.append(paragraph(tr("notify.subscribed.schedule", when=schedule_text(view, tr),
                             quiet=quiet_text(view.quiet_days, tr)), is_subtle=True))
    return card(body)


def schedule_text(view: SubscriptionView, tr: Messages) -> str:
    """'09:00 (Europe/Paris)'."""
    return tr("notify.settings.at", time=view.notify_time or "?", zone=view.notify_tz or "?")


def quiet_text(quiet_days: tuple[int, ...], tr: Messages) -> str:
    """'Saturday, Sunday' (ISO weekdays, in the reader's language) or 'none'."""
    if not quiet_days:
        return tr("notify.settings.no_quiet_days")
    names = get_day_names("wide", locale=tr.language)
    return ", ".join(str(names[d - 1]) for d in sorted(quiet_days))


def digest_facts(view: SubscriptionView, tr: Messages) -> list[Fact]:
    """The expiry digests a subscription carries: lead times and what they show."""
    if not view.digests:
        return [Fact(title=tr("notify.settings.leads"), value=tr("notify.settings.digests_off"))]
    return [Fact(title=tr("notify.settings.leads"), value=leads_text(view.lead_days, tr)),
            Fact(title=tr("notify.settings.shows"), value=tr(
                "notify.settings.at_risk_only" if view.at_risk_only
                else "notify.settings.all_expiries"))]


def report_text(view: SubscriptionView, today: dt.date, tr: Messages) -> str:
    """Whether the monthly licence report comes here, and when next."""
    if not view.monthly_report:
        return tr("notify.settings.report_off")
    quiet = ",".join(str(d) for d in view.quiet_days)
    return tr("notify.settings.report_on", date=tr.date(next_report_on(
        today, quiet_days=quiet, last_report_month=view.last_report_month)))


def settings_card(views: list[SubscriptionView], tr: Messages,
                  today: dt.date) -> dict[str, Any]:
    body: list[Any] = [title(tr("notify.settings.title"))]
    active = [v for v in views if v.active]
    if not active:
        body.append(paragraph(tr("notify.settings.none")))
        return card(body, [_subscribe_action(tr)])
    for view in active:
        body.append(FactSet(facts=[
            Fact(title=tr("notify.settings.scope"), value=inert(view.organization_name)),
            *digest_facts(view, tr),
            Fact(title=tr("notify.settings.report"), value=report_text(view, today, tr)),
            Fact(title=tr("notify.settings.when"), value=schedule_text(view, tr)),
            Fact(title=tr("notify.settings.quiet"), value=quiet_text(view.quiet_days, tr)),
            Fact(title=tr("notify.settings.language"), value=view.language),
            # No creator: re-owned by the organization when its creator left.
            Fact(title=tr("notify.settings.by"),
                 value=inert(view.created_by or view.organization_name)),
        ]))
    body.append(paragraph(tr("notify.settings.hint"), is_subtle=True, size="Small"))
    return card(body)


def snoozes_card(snoozes: list[SnoozeView], tr: Messages) -> dict[str, Any]:
    """What is snoozed in this conversation, and until when."""
    body: list[Any] = [title(tr("notify.snoozes.title"))]
    if not snoozes:
        body.append(paragraph(tr("notify.snoozes.none")))
        return card(body)
    body.append(FactSet(facts=[
        Fact(title=inert(s.organization_name), value=tr("notify.snoozes.until",
                                                         date=tr.date(s.until)))
        for s in snoozes]))
    body.append(paragraph(tr("notify.snoozes.hint"), is_subtle=True, size="Small"))
    return card(body)


def _subscribe_action(tr: Messages) -> ExecuteAction:
    return ExecuteAction(title=tr("notify.offer.button"), verb=verbs.NOTIFY_SUBSCRIBE,
                         data={"verb": verbs.NOTIFY_SUBSCRIBE,
                               "lead_days": list(DEFAULT_LEAD_DAYS)})


def install_offer_card(tr: Messages) -> dict[str, Any]:
    """Posted when the app is installed in a team."""
    return card([title(tr("notify.offer.title")), paragraph(tr("notify.offer.body"))],
                [_subscribe_action(tr)])


def gone_card(view: SubscriptionView, reason: str, tr: Messages) -> dict[str, Any]:
    """Told to the subscribing admin when the bot can no longer post in the channel."""
    return card([title(tr("notify.gone.title")),
                 paragraph(tr("notify.gone.body", organization=inert(view.organization_name),
                              reason=inert(reason)))])


def reowned_card(notice: ReownedNotice, tr: Messages) -> dict[str, Any]:
    """Told once to an organization's admins: channel notifications set up by someone who
    is no longer one of its admins now belong to the organization and keep coming."""
    why = tr(f"notify.reowned.{notice.reason}")
    return card([title(tr("notify.reowned.title")),
                 paragraph(tr("notify.reowned.body", former=inert(notice.former_owner),
                              why=why, n=notice.conversations,
                              organization=inert(notice.organization_name))),
                 paragraph(tr("notify.reowned.hint"), is_subtle=True, size="Small")])


def reowned_activity(notice: ReownedNotice, language: str) -> dict[str, Any]:
    """The outbox activity of `reowned_card`."""
    from services.i18n import messages

    return card_message(reowned_card(notice, messages(language)))
