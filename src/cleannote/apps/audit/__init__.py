"""The append-only, hash-chained record of who viewed or changed which patient record."""
