"""The demo clinic's contract with Keystone Health Plan, loaded from the CSV beside this module
through the same import a biller uses (`claims.contracts.do_import_fees`, ADR 0720), so an 835
that allows a Keystone line below these rates lists it under Underpayments."""

from __future__ import annotations

from importlib import resources

from cleannote.apps.audit.actions import Actor
from cleannote.apps.claims.contracts import do_import_fees

CONTRACT_FILE = "demo_contract_keystone.csv"
CONTRACT_PAYER = "DEMO-KHP"


def load_demo_contracts(biller: Actor) -> int:
    """Import the demo contract; the number of schedules made (one per location)."""
    data = resources.files("cleannote.web").joinpath(f"data/{CONTRACT_FILE}").read_bytes()
    return len(do_import_fees(biller, data, file_name=CONTRACT_FILE, payer_id=CONTRACT_PAYER))
