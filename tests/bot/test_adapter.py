"""The adapter's two savings keep botbuilder's behaviour: replies serialize exactly as
msrest would, and connector clients are shared per app, service URL and audience."""

from __future__ import annotations

from botbuilder.schema import Activity, Attachment, HeroCard

from bot.teams.adapter import _AuthConfig
from bot.teams.connector_cache import CachingBotFrameworkAuthentication
from bot.teams.wire import serialize_activity
from cards.notices import notice_card
from dialogs.common import card_activity


def test_card_replies_serialize_as_msrest_does() -> None:
    card = notice_card('Quoted "text", ünïcode, <b>tags</b> and 42')
    card["body"].append({"type": "TextBlock", "text": None, "wrap": True,
                         "nested": [{"a": [1, 2.5, True]}]})
    activity = card_activity(card)
    activity.attachments.append(Attachment(content_type="application/vnd.microsoft.card.hero",
                                           content=HeroCard(title="hero")))
    activity.text = "fallback"
    assert serialize_activity(activity) == activity.serialize()
    assert activity.attachments[0].content is card  # put back as it was
    plain = Activity(type="message", text="no attachments")
    assert serialize_activity(plain) == plain.serialize()


async def test_connector_clients_are_made_once_per_service_url() -> None:
    auth = CachingBotFrameworkAuthentication(_AuthConfig("", "", "MultiTenant", ""))
    activity = Activity(type="message", service_url="https://smba.example/emea/",
                        channel_id="msteams")
    first = await auth.authenticate_request(activity, "")
    second = await auth.authenticate_request(activity, "")
    assert first.connector_factory is not None and second.connector_factory is not None
    client = await first.connector_factory.create(activity.service_url, first.audience)
    assert await second.connector_factory.create(activity.service_url,
                                                 second.audience) is client
    other = await second.connector_factory.create("https://smba.example/amer/", first.audience)
    assert other is not client and other.config.base_url == "https://smba.example/amer/"
    identity = first.claims_identity
    assert await auth.create_user_token_client(identity) is \
        await auth.create_user_token_client(identity)


def test_copies_of_a_card_reply_share_the_card() -> None:
    import copy

    card = notice_card("shared")
    activity = card_activity(card)
    copied = copy.deepcopy(activity)
    assert copied.attachments[0].content is card
    assert copied.attachments[0] is not activity.attachments[0]
    assert copied.serialize() == activity.serialize()
    assert copied.serialize()["attachments"][0]["content"] == card


def test_connector_request_bodies_are_msrest_bodies() -> None:
    """A connector client's reply body (CardBodySerializer) is the JSON msrest's own
    `Serializer.body` makes, for a card reply and for any other body."""
    from botframework.connector.aio import ConnectorClient
    from msrest.authentication import BasicTokenAuthentication
    from msrest.serialization import Serializer

    from bot.teams.wire import CardBodySerializer, use_card_bodies

    client = ConnectorClient(BasicTokenAuthentication({"access_token": ""}),
                             base_url="https://smba.example/emea/")
    stock = client.conversations._serialize  # noqa: SLF001
    use_card_bodies(client)
    ours = client.conversations._serialize  # noqa: SLF001
    assert isinstance(ours, CardBodySerializer) and not isinstance(stock, CardBodySerializer)
    card = notice_card('Quoted "text", ünïcode and 42')
    card["body"].append({"type": "TextBlock", "text": None, "nested": [{"a": [1, 2.5]}]})
    activity = card_activity(card)
    activity.reply_to_id, activity.text = "1:2", "fallback"
    assert ours.body(activity, "Activity") == Serializer(stock.dependencies).body(
        activity, "Activity")
    assert ours.body(activity, "Activity") == stock.body(activity, "Activity")
    other = {"activities": [activity]}
    assert ours.body(other, "Transcript") == stock.body(other, "Transcript")
    use_card_bodies(client)  # once is enough
    assert client.conversations._serialize is ours  # noqa: SLF001
