"""Patients, their coverage, cases (with auto-accident details), referrals and plans of care."""
