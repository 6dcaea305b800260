"""Scheduled work of the process: the daily notification pass, the outbox sender and
retention (`notifications.py`). May import `bot.services`, `cards`, `services`."""
