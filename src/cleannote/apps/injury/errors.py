"""What the personal-injury actions refuse, naming the input to fix."""

from __future__ import annotations

from cleannote.apps.patients.chart_actions import ChartChangeRefused


class InjuryRefused(ChartChangeRefused):
    """A lien entry or settlement the case cannot take; `field` is the input to fix, shown
    next to it by the edit screens (`patients.chart_edit.refused`)."""
