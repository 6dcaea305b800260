"""The bot's process: the app factory (`app.py`), settings (`settings.py`), the shared
services (`services.py`) and logging (`logs.py`) at the top, and its rooms: `web/` (HTTP
routes), `teams/` (the Bot Framework edge), `turn/` (the turn pipeline), `handlers/`
(one module per intent family), `jobs/` (scheduled work) and `cli/` (`partnerbot`).
docs/architecture.md says what each may import and where a change goes."""
