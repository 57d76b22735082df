"""Visit notes (SOAP), their timed treatment blocks, and append-only addenda."""
