"""Shared edge pieces every Django app may import: they depend on Django alone, never on an app."""
