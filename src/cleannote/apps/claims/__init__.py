"""Claims out: claims built from signed notes, fee schedules, status history, 837P batches
and the clearinghouse outbox. See docs/decisions/0110-0119 for the choices made here."""
