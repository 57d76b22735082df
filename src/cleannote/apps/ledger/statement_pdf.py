"""A patient statement as a Letter-size PDF, drawn from what the statement recorded
(`Statement.content` and its figures), so a reprint is the statement as sent (ADR 0760).
Built from the clinic documents' parts (`platform.pdf_parts`); a run prints all of its
statements as one PDF, each starting on a new page."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from reportlab.lib.units import inch
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer

from cleannote.apps.ledger.statement_models import Statement
from cleannote.platform.money import format_money
from cleannote.platform.pdf_parts import letter_pdf, letterhead
from cleannote.platform.pdf_parts import paragraph as _p
from cleannote.platform.pdf_parts import styles as _styles
from cleannote.platform.pdf_parts import table as _table

_CUT = "- " * 60


def _m(value: object) -> str:
    return format_money(Decimal(str(value)))


def summary_rows(statement: Statement) -> list[list[object]]:
    """The account summary, the same on the page and in the PDF."""
    return [
        ["Previous balance", _m(statement.previous_balance)],
        ["New charges (your share after insurance)", _m(statement.new_charges)],
        ["Payments received, thank you", _m(-statement.payments)],
        ["Other credits and adjustments", _m(-statement.other_credits)],
        ["Amount due", _m(statement.amount_due)],
    ]


def visit_rows(content: dict[str, Any]) -> list[list[object]]:
    rows: list[list[object]] = [
        ["Date", "Service", "Charge", "Insurance paid", "Insurance adjusted", "Your share"]
    ]
    for visit in content.get("visits", []):
        for line in visit["lines"]:
            parts = [
                f"{name} {_m(line[name])}"
                for name in ("deductible", "coinsurance", "copay", "other")
                if Decimal(line[name])
            ]
            rows.append(
                [
                    line["date"],
                    f"{line['code']} {line['description']}".strip(),
                    _m(line["charge"]),
                    _m(line["insurance_paid"]),
                    _m(line["insurance_adjusted"]),
                    ", ".join(parts) or _m(0),
                ]
            )
        rows.append(
            ["", f"Your share of the visit of {visit['date']} ({visit['payer']})", "", "", "",
             _m(visit["your_share"])]
        )  # fmt: skip
    return rows


def aging_rows(content: dict[str, Any]) -> list[list[object]]:
    aging = content.get("aging", {})
    return [[f"{name} days" for name in aging], [_m(v) for v in aging.values()]]


def _story(statement: Statement) -> list[Flowable]:
    s = _styles()
    c: dict[str, Any] = statement.content
    step = c.get("step")
    story: list[Flowable] = [
        *letterhead(statement.organisation, s),
        *_stub(statement, s),
        _p("Patient statement", s["h2"]),
        _table(
            [
                ["Statement", statement.number, "Account number", statement.account_number],
                [
                    "Statement date",
                    f"{statement.statement_date:%Y-%m-%d}",
                    "Please pay by",
                    f"{statement.due_date:%Y-%m-%d}",
                ],
                ["Patient", c["patient"]["name"], "Amount due", _m(statement.amount_due)],
            ],
            [1.2 * inch, 2.2 * inch, 1.2 * inch, 2.2 * inch],
            s["body"],
        ),
        Spacer(1, 6),
    ]
    if step:
        story.append(_p(f"Notice {step['number']}: {step['title']}", s["h2"]))
        if step["message"]:
            story.append(_p(step["message"], s["body"]))
    story += [
        _p("Account summary", s["h2"]),
        _table(summary_rows(statement), [4.6 * inch, 2.2 * inch], s["body"]),
    ]
    if c.get("previous_statement"):
        story.append(
            _p(
                f"Previous balance from statement {c['previous_statement']} of "
                f"{c['previous_date']}.",
                s["small"],
            )
        )
    if c.get("visits"):
        story += [
            _p("Visits since your last statement", s["h2"]),
            _table(
                visit_rows(c),
                [0.85 * inch, 2.35 * inch, 0.75 * inch, 0.85 * inch, 0.9 * inch, 1.1 * inch],
                s["small"],
            ),
        ]
    if c.get("activity"):
        rows: list[list[object]] = [["Date", "Payments and credits", "Amount"]]
        rows += [[a["date"], f"{a['what']} {a['detail']}".strip(), _m(a["amount"])] for a in
                 c["activity"]]  # fmt: skip
        story += [
            _p("Payments and credits", s["h2"]),
            _table(rows, [0.9 * inch, 4.7 * inch, 1.2 * inch], s["small"]),
        ]
    story += [
        _p("Age of your balance", s["h2"]),
        _table(aging_rows(c), [1.7 * inch] * 4, s["body"]),
        _p("How to pay", s["h2"]),
        _p(c.get("how_to_pay", ""), s["body"]),
    ]
    return story


def _stub(statement: Statement, s: dict[str, Any]) -> list[Flowable]:
    """The remittance stub, at the top of the first page so it is always there to tear off."""
    c: dict[str, Any] = statement.content
    clinic = c["clinic"]
    return [
        KeepTogether(
            [
                _table(
                    [
                        ["Remit to", "\n".join([clinic["name"], *clinic["remit_to"]]),
                         "Account number", statement.account_number],
                        ["From", "\n".join([c["patient"]["name"], *c["patient"]["address"]]),
                         "Statement", f"{statement.number} of {statement.statement_date:%Y-%m-%d}"],
                        ["Amount due", _m(statement.amount_due), "Due date",
                         f"{statement.due_date:%Y-%m-%d}"],
                        ["Amount enclosed", "$ ______________", "", ""],
                    ],
                    [1.1 * inch, 2.5 * inch, 1.1 * inch, 2.1 * inch],
                    s["body"],
                ),
                _p("Please detach and return this part with your payment.", s["small"]),
                _p(_CUT, s["small"]),
            ]
        ),
    ]  # fmt: skip


def render_statements_pdf(statements: Iterable[Statement], *, title: str) -> bytes:
    """One PDF of the statements, each from a new page (a run's print file)."""
    story: list[Flowable] = []
    author = ""
    for statement in statements:
        if story:
            story.append(PageBreak())
        story += _story(statement)
        author = statement.organisation.name
    if not story:
        story = [_p("No statements in this run.", _styles()["body"])]
    return letter_pdf(story, title=title, author=author)


def render_statement_pdf(statement: Statement) -> bytes:
    return render_statements_pdf([statement], title=f"Statement {statement.number}")
