"""X12 5010 readers and writers (837P, 835, 270/271, 277, 999). Pure Python, bytes in and out."""
