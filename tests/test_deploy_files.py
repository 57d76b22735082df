"""The deployment files stay true to the code (docs/deploy.md, deploy/).

The cron file names only commands that exist and every scheduled command the code has; the
deployment guide names every environment variable the settings read.
"""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# Commands a person runs, or a service keeps running: never on a schedule.
NOT_SCHEDULED = {"cleannote_demo", "cleannote_scale", "cleannote_worker", "cleannote_restore"}
# Django's own commands the schedule runs.
DJANGO_SCHEDULED = {"clearsessions"}


def _commands() -> set[str]:
    return {
        path.stem
        for path in (REPO / "src" / "cleannote").glob("**/management/commands/*.py")
        if not path.stem.startswith("_")
    }


def _scheduled() -> list[str]:
    lines = (REPO / "deploy" / "cron.d-cleannote").read_text().splitlines()
    return [
        line.split("cleannote-manage ", 1)[1].split()[0]
        for line in lines
        if line.strip() and not line.startswith("#") and "cleannote-manage " in line
    ]


def test_the_cron_file_runs_every_scheduled_command_and_nothing_else():
    from django.core.management import get_commands

    assert set(get_commands()) >= DJANGO_SCHEDULED, "a Django command the cron file names is gone"
    # given the management commands in the code and the cron file's lines
    commands, scheduled = _commands(), _scheduled()
    # then each line names a command that exists, and each cleannote_* command is scheduled
    # unless a person or a service runs it
    assert set(scheduled) <= commands | DJANGO_SCHEDULED
    assert {c for c in commands if c.startswith("cleannote_")} - NOT_SCHEDULED <= set(scheduled)
    assert "audit_verify" in scheduled


def test_the_deployment_guide_names_every_variable_the_settings_read():
    settings = (REPO / "src" / "cleannote" / "web" / "settings.py").read_text()
    read = set(re.findall(r'os\.environ(?:\.get\(|\[)"([A-Z_]+)"', settings))
    guide = (REPO / "docs" / "deploy.md").read_text()
    assert read, "no environment variable found: the pattern no longer matches settings.py"
    assert sorted(name for name in read if f"`{name}`" not in guide) == []
