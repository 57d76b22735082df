"""Money in: 835 remittance files posted to claims, patient responsibility to the patient's
ledger, the denials worklist, write-offs and underpayments. See docs/decisions/0163-0165."""
