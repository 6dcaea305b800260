"""The turn pipeline without Bot Framework types: `Request`/`Reply` (`context.py`), the
pipeline's declaration and steps (`pipeline.py`), the trust gate (`trust.py`), the rate
limiter, the routing tables, the answer cache and a question's answer. May import
`bot.services`, `bot.settings`, `bot.handlers`, `cards`, `services`; never botbuilder."""
