"""Refusals of the ledger's actions: the field to fix and how, never the typed value (a card
number typed by mistake must not reach a message or a log)."""

from __future__ import annotations

from cleannote.apps.ledger.statement_rules import Problem
from cleannote.apps.patients.chart_actions import ChartChangeRefused


class LedgerRefused(ChartChangeRefused):
    """A payment or check-in the ledger will not record; `field` names the input to fix, so a
    screen built on `patients.chart_edit.edit_screen` puts it next to that input."""


class SettingsProblems(Exception):
    """The statement settings page's refusal: every problem found, each saying where and what
    (`statement_rules.Problem`); nothing is saved."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems
