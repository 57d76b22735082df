"""Nothing to show: the lockout's rows are django-axes' own (its admin, in the demo only)."""
