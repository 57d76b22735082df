"""The shell platform: pieces every Django app may import (ADR 0400).

Request parameters checked at the edge, the read-only admin base, background tasks queued when
the transaction commits, money shown to the cent, the reference tables the scrubber reads, and
the hooks through which a lower app asks a higher one. It depends on Django and the pure core
only, never on an app, the project package or the command line.
"""
