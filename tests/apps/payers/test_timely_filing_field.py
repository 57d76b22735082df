"""The payer page says what a blank timely filing field means: the kind's default, which the
scrub's payer.timely-filing rule uses (ADR 0370)."""

from __future__ import annotations

from cleannote.apps.payers.forms import PayerForm
from cleannote.apps.payers.models import Payer


def test_a_medicare_payer_says_its_year_and_a_commercial_one_says_none() -> None:
    medicare = PayerForm(instance=Payer(name="Medicare", claims_payer_id="MCR", kind="medicare"))
    commercial = PayerForm(instance=Payer(name="Keystone", claims_payer_id="K", kind="commercial"))
    assert medicare.fields["timely_filing_days"].help_text.endswith(
        "Blank: the Medicare default, 365 days."
    )
    assert commercial.fields["timely_filing_days"].help_text.endswith(
        "Blank: the Commercial default, none (timely filing not checked)."
    )
    assert "14 days before it warned" in medicare.fields["timely_filing_days"].help_text
