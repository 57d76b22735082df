"""Coverage checks: 270 requests out, 271 answers in, in plain terms on the chart and the
schedule; HETS enrollment for Medicare; manual verification when the electronic check fails.
See docs/decisions/0160-0162."""
