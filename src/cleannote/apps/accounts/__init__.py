"""Signing in and out: the lockout (django-axes), audited sign-in and sign-out, the idle timeout."""
