"""The patient's side: sign-in by one-time link, and the pages a patient (or a guardian) sees of
their own record: forms to fill, notices to sign, home exercises, statements (issue 16)."""
