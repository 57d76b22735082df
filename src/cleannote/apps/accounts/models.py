"""No models: django-axes keeps the sign-in failures (`axes.AccessAttempt`, ADR 0214)."""
