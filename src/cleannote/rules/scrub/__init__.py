"""The claim scrubber: a visit in, claim lines and findings out (see `scrubber.scrub`)."""
