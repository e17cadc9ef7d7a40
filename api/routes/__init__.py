"""One router per resource: health (and metrics), recommend, search, items, vocabulary."""
