"""`manage.py cleannote_demo` and friends."""
