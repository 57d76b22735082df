"""Clinics, their locations and their staff, with the roles that decide who may do what."""
