"""What the inventory actions refuse, naming the input to fix."""

from __future__ import annotations

from cleannote.apps.patients.chart_actions import ChartChangeRefused


class InventoryRefused(ChartChangeRefused):
    """A stock movement or dispense that cannot be made; `field` is the input to fix, shown
    next to it by the edit screens (`patients.chart_edit.refused`)."""
