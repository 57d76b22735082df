"""The payer form: the payer's identity, and one typed field per policy setting it may override.

Each override field offers "inherit the kind's default" (blank) and shows that default, so a
biller sees what the payer would get without the override. The values are checked by the core's
`check_overrides`; a refusal is a message on the setting's own field (ADR 0330).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms

from cleannote.apps.payers.models import IDENTITY_FIELDS, KIND_LABELS, NetworkStatus, Payer
from cleannote.rules.payer_overrides import (
    OVERRIDE_FIELDS,
    FieldType,
    OverrideError,
    OverrideField,
    check_overrides,
    overrides_as_json,
)
from cleannote.rules.payer_policy import default_policy
from cleannote.rules.visit import PayerKind

PREFIX = "override_"


# How a setting's values read on the page (the stored value is the core's).
_VALUE_LABELS = {
    "cms": "CMS total time (8-minute rule)",
    "per_code": "Per code (CPT midpoint)",
    "x": "X{EPSU}",
    "59": "59",
    "true": "Yes",
    "false": "No",
}


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "none"
    if isinstance(value, frozenset):
        return ", ".join(sorted(value)) or "none"
    raw = str(getattr(value, "value", value))
    return _VALUE_LABELS.get(raw, raw)


def shown_override(stored: object) -> str:
    """A stored override as the directory list shows it (e.g. "CMS total time")."""
    if isinstance(stored, list):
        return ", ".join(stored) or "none"
    return _shown(stored)


def _stored_as_input(spec: OverrideField, value: object) -> object:
    """A stored override as the form field's initial value."""
    if spec.type is FieldType.FLAG:
        return "true" if value else "false"
    if spec.type is FieldType.NUMBER:
        return 0 if value is None else value
    if spec.type is FieldType.STATES:
        return ", ".join(value) if value else "none"  # type: ignore[arg-type]
    return value


def _invalid_choice(spec: OverrideField, allowed: tuple[str, ...]) -> str:
    return f"{spec.name}: %(value)s is not one of {', '.join(allowed)}."


def _override_field(spec: OverrideField, default: object, kind_label: str) -> forms.Field:
    """The setting's field: blank inherits the kind's default, which the blank option names."""
    inherit = f"Inherit: {_shown(default)}"
    said = f"{kind_label} default: {_shown(default)}."
    if spec.type in (FieldType.CHOICE, FieldType.FLAG):
        values = spec.choices if spec.type is FieldType.CHOICE else ("true", "false")
        return forms.ChoiceField(
            label=spec.label,
            required=False,
            choices=[("", inherit), *((v, _VALUE_LABELS.get(v, v)) for v in values)],
            error_messages={"invalid_choice": _invalid_choice(spec, values)},
            help_text=said,
        )
    if spec.type is FieldType.NUMBER:
        # Range checked by the core (check_overrides) so the message names the setting.
        return forms.IntegerField(
            label=spec.label,
            required=False,
            error_messages={"invalid": f"{spec.name}: enter a whole number (0 for none)."},
            help_text=f"{said} Blank inherits it; 0: none.",
        )
    return forms.CharField(
        label=spec.label,
        required=False,
        max_length=200,
        help_text=f"{said} Two-letter states, comma-separated; 'none' for no state; blank "
        "inherits the default.",
    )


def _input_as_override(spec: OverrideField, value: Any) -> object:
    """The form's value as the override `check_overrides` reads; `_INHERIT` when blank."""
    if value in ("", None):
        return _INHERIT
    if spec.type is FieldType.FLAG:
        return value == "true"
    if spec.type is FieldType.NUMBER:
        return None if value == 0 else value
    if spec.type is FieldType.STATES:
        text = str(value).strip()
        if text.lower() == "none":
            return []
        return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
    return value


_INHERIT = object()


class PayerForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Payer
        fields = IDENTITY_FIELDS
        labels: ClassVar[dict[str, str]] = {"is_active": "Active (offered at registration)"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self._kind()
        defaults = default_policy(kind)
        self.kind_label = KIND_LABELS.get(kind.value, kind.value)
        default_days = defaults.timely_filing_days
        self.fields["timely_filing_days"].help_text = (
            "Days after the date of service within which this payer takes a claim; a claim made "
            f"later is refused, 14 days before it warned. Blank: the {self.kind_label} default, "
            + (f"{default_days} days." if default_days else "none (timely filing not checked).")
        )
        # Not sent (a form from before the field, a script): the payer keeps its status.
        self.fields["network_status"].required = False
        stored = dict(self.instance.policy_overrides or {}) if self.instance.pk else {}
        for spec in OVERRIDE_FIELDS:
            name = PREFIX + spec.name
            self.fields[name] = _override_field(spec, getattr(defaults, spec.name), self.kind_label)
            if spec.name in stored:
                self.initial[name] = _stored_as_input(spec, stored[spec.name])

    def _kind(self) -> PayerKind:
        raw = self.data.get(self.add_prefix("kind")) if self.is_bound else None
        raw = raw or self.initial.get("kind") or self.instance.kind or PayerKind.COMMERCIAL.value
        try:
            return PayerKind(raw)
        except ValueError:
            return PayerKind.COMMERCIAL

    def identity_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.Meta.fields]

    def override_fields(self) -> list[forms.BoundField]:
        return [self[PREFIX + spec.name] for spec in OVERRIDE_FIELDS]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("network_status"):
            cleaned["network_status"] = self.instance.network_status or NetworkStatus.UNKNOWN
        raw: dict[str, object] = {}
        for spec in OVERRIDE_FIELDS:
            name = PREFIX + spec.name
            if name in self.errors:
                continue
            value = _input_as_override(spec, cleaned.get(name))
            if value is not _INHERIT:
                raw[spec.name] = value
        try:
            checked = check_overrides(raw)
        except OverrideError as exc:
            for field, problem in exc.errors.items():
                self.add_error(PREFIX + field, f"{field}: {problem}")
            return cleaned
        cleaned["policy_overrides"] = overrides_as_json(checked)
        return cleaned

    def changes(self) -> dict[str, Any]:
        """The edited values `do_update_payer` / `do_create_payer` take."""
        out = {name: self.cleaned_data[name] for name in self.Meta.fields}
        out["policy_overrides"] = self.cleaned_data.get("policy_overrides", {})
        return out
