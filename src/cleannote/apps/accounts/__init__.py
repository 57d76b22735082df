"""Signing in and out: throttled login, logout, and the idle-session timeout."""
