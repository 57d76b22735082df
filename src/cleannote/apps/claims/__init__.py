"""Claims out: claims built from signed notes, fee schedules, status history, 837P batches
and the clearinghouse outbox. See docs/decisions/0110-0113 for the choices made here."""
