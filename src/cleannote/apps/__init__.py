"""Django apps: the shell that loads records, calls the core and saves what it returns."""
