"""Intake forms a clinic builds, consents, and Advance Beneficiary Notices: what a patient fills
and signs, kept on the chart as signed, read-only documents (issue 16)."""
