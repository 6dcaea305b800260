"""`python -m bot.cli`: the same as `partnerbot`."""

from bot.cli import main

raise SystemExit(main())
