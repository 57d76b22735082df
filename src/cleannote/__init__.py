"""Cleannote: EMR and billing for outpatient therapy clinics."""

__version__ = "0.1.0"
