"""The JSON API under /api/v1/ (django-ninja): other systems read and write through the apps'
selectors and actions with an organisation's API token (ADRs 0900, 0901)."""
