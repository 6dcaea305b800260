"""One handler per intent and per card verb."""
