"""One module per intent family: plain async functions `Request -> Reply`, named in the
routing tables of `bot/turn/routing.py`. May import `bot.turn.context`, `dialogs` (a
dialog's name, to start it), `cards`, `services`."""
