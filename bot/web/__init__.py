"""The HTTP routes: POST /api/messages, POST /api/feed, the activation pages and
callback, health and metrics, and bounded body reading. May import `bot.services`,
`bot.settings`, `bot.turn`, `services`; never `bot.teams` (the adapter and the bot are
handed in by the app factory)."""
