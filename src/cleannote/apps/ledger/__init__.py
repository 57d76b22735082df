"""The patient's side of the money: desk payments, receipts and check-in (ADR 0650)."""
