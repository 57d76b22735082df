"""The billing rules core: code sets, units, NCCI/MUE, modifiers, payer policy and the scrubber.

Pure Python: no Django, no database, no clock, no network. Value objects in, results out.
"""
