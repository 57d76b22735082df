"""Forms for the owner's staff pages and each user's own security page.

Every input problem becomes a message next to its field: a mistyped NPI (the core's check
digit), a credential that does not fit the role, a username already taken, a weak password.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import User

from cleannote.apps.organisations.actions import is_recovery_code
from cleannote.apps.organisations.models import (
    CREDENTIAL_CHOICES,
    DISCIPLINE_NAMES,
    Location,
    Organisation,
    Role,
    Staff,
)
from cleannote.apps.organisations.validators import validate_npi, validate_taxonomy
from cleannote.platform.clock import HourCycle
from cleannote.rules.visit import ASSISTANT_CREDENTIALS, DISCIPLINE_OF_CREDENTIAL, Credential

USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,39}")
# Letters and digits a person reads aloud or types without confusing 0/O, 1/l/I.
_TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def generated_password() -> str:
    """A temporary password from the OS's secure random source: four groups of four, ~79 bits."""
    groups = ("".join(secrets.choice(_TEMPORARY_ALPHABET) for _ in range(4)) for _ in range(4))
    return "-".join(groups)


def _credential_label(value: str) -> str:
    discipline = DISCIPLINE_OF_CREDENTIAL[Credential(value)]
    assistant = " assistant" if Credential(value) in ASSISTANT_CREDENTIALS else ""
    return f"{value}: {DISCIPLINE_NAMES[discipline]}{assistant}"


class StaffForm(forms.Form):
    """Add (with a username) or edit one staff member of `organisation`."""

    username = forms.CharField(
        max_length=40,
        help_text="What they type to sign in: lower-case letters, digits, dot, dash, underscore.",
    )
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    role = forms.ChoiceField(choices=Role.choices)
    credential = forms.ChoiceField(
        required=False,
        help_text="Clinicians only; the credential sets the discipline (PTA: physical therapy).",
    )
    npi = forms.CharField(
        label="Individual NPI",
        required=False,
        max_length=10,
        help_text="Required for therapists; checked against its check digit.",
    )
    taxonomy = forms.CharField(
        required=False, max_length=10, help_text="Provider taxonomy code, e.g. 225100000X."
    )
    default_location = forms.ModelChoiceField(
        label="Location",
        queryset=Location.objects.none(),
        required=False,
        empty_label="None",
    )
    managed_locations = forms.ModelMultipleChoiceField(
        label="Locations they manage",
        queryset=Location.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Location managers only: they see these locations' reports and run their day.",
    )

    def __init__(
        self,
        data: Any = None,
        *,
        organisation: Organisation,
        instance: Staff | None = None,
        **kwargs: Any,
    ) -> None:
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "first_name": instance.user.first_name,
                    "last_name": instance.user.last_name,
                    "role": instance.role,
                    "credential": instance.credential,
                    "npi": instance.npi,
                    "taxonomy": instance.taxonomy,
                    "default_location": instance.default_location_id,
                    "managed_locations": list(
                        instance.managed_locations.values_list("pk", flat=True)
                    ),
                },
            )
        super().__init__(data, **kwargs)
        self.organisation = organisation
        self.instance = instance
        if instance is not None:
            del self.fields["username"]
        credential_field = self.fields["credential"]
        assert isinstance(credential_field, forms.ChoiceField)
        credential_field.choices = [("", "None (not a clinician)")] + [
            (value, _credential_label(value)) for value, _ in CREDENTIAL_CHOICES
        ]
        location_field = self.fields["default_location"]
        assert isinstance(location_field, forms.ModelChoiceField)
        location_field.queryset = Location.objects.filter(organisation=organisation)
        managed_field = self.fields["managed_locations"]
        assert isinstance(managed_field, forms.ModelMultipleChoiceField)
        managed_field.queryset = Location.objects.filter(organisation=organisation)

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"].strip()
        if not USERNAME.fullmatch(username):
            raise forms.ValidationError(
                "Use 2 to 40 lower-case letters, digits, dots, dashes or underscores, "
                "starting with a letter or digit."
            )
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(f"The username {username!r} is already taken.")
        return username

    def clean_npi(self) -> str:
        npi: str = self.cleaned_data["npi"].strip()
        if not npi:
            return ""
        validate_npi(npi)
        others = Staff.objects.filter(organisation=self.organisation, npi=npi)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        holder = others.select_related("user").first()
        if holder is not None:
            raise forms.ValidationError(f"NPI {npi} already belongs to {holder.full_name}.")
        return npi

    def clean_taxonomy(self) -> str:
        taxonomy: str = self.cleaned_data["taxonomy"].strip().upper()
        if taxonomy:
            validate_taxonomy(taxonomy)
        return taxonomy

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        role, credential = cleaned.get("role"), cleaned.get("credential") or ""
        if role is None:
            return cleaned
        assistant = bool(credential) and Credential(credential) in ASSISTANT_CREDENTIALS
        if role == Role.ASSISTANT and not assistant:
            self.add_error(
                "credential", "An assistant needs an assistant credential: PTA, COTA or SLPA."
            )
        elif role == Role.THERAPIST and (not credential or assistant):
            self.add_error(
                "credential",
                "A therapist needs a licensed credential (PT, OT, SLP, DC or LMT); "
                "assistants take the Assistant role.",
            )
        elif role in (Role.FRONT_DESK, Role.BILLER, Role.MANAGER) and credential:
            self.add_error(
                "credential",
                "Front desk, biller and location manager logins do not document care: leave "
                "the credential empty.",
            )
        if role == Role.MANAGER and not cleaned.get("managed_locations"):
            self.add_error(
                "managed_locations", "A location manager runs at least one location: tick it."
            )
        if role == Role.THERAPIST and "npi" in cleaned and not cleaned["npi"]:
            self.add_error("npi", "A therapist bills under their own NPI: enter it.")
        return cleaned


class TemporaryPasswordForm(forms.Form):
    password = forms.CharField(
        label="Temporary password",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Leave empty to have one generated and shown to you once.",
    )

    def __init__(self, data: Any = None, *, user: User, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not password:
            return generated_password()
        password_validation.validate_password(password, self.user)
        return password


class OrganisationSecurityForm(forms.Form):
    require_two_factor = forms.BooleanField(
        label="Require two-factor sign-in for owners and billers", required=False
    )


class HourCycleForm(forms.Form):
    hour_cycle = forms.TypedChoiceField(
        label="Times shown as",
        choices=HourCycle.choices,
        coerce=HourCycle,
        widget=forms.RadioSelect,
        help_text="On every page, in the note editor's start and stop times, and on PDFs.",
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "pattern": "[0-9 ]*",
            }
        ),
    )

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"].replace(" ", "")
        if not (code.isascii() and code.isdigit() and len(code) == 6):
            raise forms.ValidationError("Enter the 6 digits your authenticator app shows.")
        return code


class SignInCodeForm(CodeForm):
    """The code step of signing in: the app's 6 digits, or one of the 8-letter recovery codes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].label = "Code from your authenticator app, or a recovery code"
        self.fields["code"].widget.attrs.pop("pattern", None)
        self.fields["code"].widget.attrs["inputmode"] = "text"

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"].replace(" ", "").replace("-", "").lower()
        if code.isascii() and code.isdigit() and len(code) == 6:
            return code
        if is_recovery_code(code):
            return code
        raise forms.ValidationError(
            "Enter the 6 digits your authenticator app shows, or one of your 8-letter "
            "recovery codes."
        )
