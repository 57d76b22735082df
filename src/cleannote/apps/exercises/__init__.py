"""The clinic's exercise library and home exercise programs prescribed from notes, with the
patient's log of what they did (issue 16)."""
