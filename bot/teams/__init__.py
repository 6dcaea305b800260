"""The Bot Framework edge: the adapter, its error handler and every botbuilder fix
(`patches.py`), connector clients, SQL `Storage`, middleware, the activity handler and
the Teams `Turn` of the pipeline, dialogs, install/remove events, proactive sends, and
the in-process adapter of `partnerbot ask`. The only room (with `dialogs/`) that knows
botbuilder types. May import `bot.turn`, `bot.services`, `bot.settings`, `dialogs`,
`cards`, `services`."""
