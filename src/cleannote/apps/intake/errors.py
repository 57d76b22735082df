"""What the intake actions refuse, naming the input to fix."""

from __future__ import annotations

from collections.abc import Mapping

from cleannote.apps.patients.chart_actions import ChartChangeRefused


class IntakeRefused(ChartChangeRefused):
    """A form, answer, consent or notice the intake app will not record; `field` is the input
    to fix, and `problems` (question key to message) says which answers need another look."""

    def __init__(
        self, field: str, message: str, *, problems: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(field, message)
        self.problems = dict(problems or {})
