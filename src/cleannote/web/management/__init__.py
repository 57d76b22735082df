"""Management commands of the clinic app."""
