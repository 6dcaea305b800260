"""The turn pipeline without Bot Framework types: the trust gate every message and
invoke passes first. May import `services` and `bot.settings`; never botbuilder."""
