"""The forms of the desk's signing screens (ADR 0961): who signs (the patient, or a
representative and their relationship), the typed full name, the ticked attestation, the
version read, and for an ABN the option chosen. The actions check what a form cannot (the
witness, the version in force, one signature a version)."""

from __future__ import annotations

from typing import Any

from django import forms

from cleannote.apps.intake.actions import RELATIONSHIP_MAX, SIGNED_NAME_MAX
from cleannote.rules.beneficiary_notices import NOTICE_OPTION_WORDS

PATIENT, REPRESENTATIVE = "patient", "representative"
SIGNERS = [(PATIENT, "The patient"), (REPRESENTATIVE, "The patient's representative")]


class DeskSignatureForm(forms.Form):
    signer = forms.ChoiceField(
        choices=SIGNERS,
        initial=PATIENT,
        error_messages={"required": "Say who signs: the patient or their representative."},
    )
    relationship = forms.CharField(
        required=False,
        max_length=RELATIONSHIP_MAX,
        label="Relationship to the patient (when a representative signs)",
        help_text="For example parent, legal guardian, health care agent.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    signed_name = forms.CharField(
        max_length=SIGNED_NAME_MAX,
        min_length=2,
        label="Full name of the person signing",
        help_text="Typing the name is the signature.",
        error_messages={
            "required": "Type the full name of the person signing.",
            "min_length": "Type the full name of the person signing.",
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "words"}),
    )
    attested = forms.BooleanField(
        label="I have read the text above; typing my name is my signature.",
        error_messages={"required": "Tick the box to confirm before signing."},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        relationship = " ".join(str(data.get("relationship") or "").split())
        if data.get("signer") == REPRESENTATIVE and not relationship:
            self.add_error("relationship", "Say how the representative is related to the patient.")
        data["relationship"] = relationship if data.get("signer") == REPRESENTATIVE else ""
        return data


class DeskConsentForm(DeskSignatureForm):
    # The version the signer read (its row id): a newer one published meanwhile is shown first.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class DeskNoticeForm(DeskSignatureForm):
    option = forms.TypedChoiceField(
        choices=[(int(o), words) for o, words in NOTICE_OPTION_WORDS.items()],
        coerce=int,
        error_messages={
            "required": "Choose option 1, 2 or 3.",
            "invalid_choice": "Choose option 1, 2 or 3.",
        },
    )

    field_order = ("option", "signer", "relationship", "signed_name", "attested")
