"""The `cleannote` command line: a thin face over the rules core and the EDI readers/writers."""
