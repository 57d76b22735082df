"""Appointments: who is seen, by whom, where and when. Kept small: the eligibility run reads
tomorrow's list, and the day page shows each patient's coverage check beside the visit."""
