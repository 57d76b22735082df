"""The inventory pages: items with stock per location, an item's movements, the low-stock
worklist, the receive / transfer / count forms (owner and front desk, `manage_inventory`), and
the supplies panel of a note (its treating clinician dispenses; ADRs 0820, 0821)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cleannote.apps.audit.actions import do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.inventory.actions import (
    ITEM_FIELDS,
    ItemInput,
    do_bill_rental_month,
    do_create_item,
    do_dispense,
    do_receive_stock,
    do_record_count,
    do_return_rental,
    do_take_back,
    do_transfer_stock,
    do_update_item,
    month_starts,
)
from cleannote.apps.inventory.errors import InventoryRefused
from cleannote.apps.inventory.forms import (
    CountForm,
    DispenseForm,
    ItemForm,
    ReceiveForm,
    TransferForm,
)
from cleannote.apps.inventory.models import Dispense, Item, Rental
from cleannote.apps.inventory.selectors import (
    StockRow,
    expiring_lots,
    item_of,
    locations,
    lot_rows,
    low_stock,
    movements,
    note_dispenses,
    rental_of,
    rentals_out,
    stock_rows,
    visit_cost,
)
from cleannote.apps.notes.models import Note
from cleannote.apps.organisations.access import actor_of, staff_view
from cleannote.apps.organisations.location_choice import location_choice
from cleannote.apps.organisations.models import Organisation
from cleannote.apps.organisations.roles import Capability, has_capability
from cleannote.apps.patients.chart_edit import edit_screen
from cleannote.rules.stock_lots import EXPIRING_WITHIN_DAYS

MANAGE = Capability.MANAGE_INVENTORY


def _org(request: HttpRequest) -> Organisation:
    return request.staff.organisation  # type: ignore[attr-defined, no-any-return]


def _shown_places(request: HttpRequest) -> dict[str, Any]:
    """The location the list pages show (ADR 0676): the one chosen (remembered), else a
    location manager's own, else every location."""
    chosen = location_choice(request, "supplies")
    every = locations(_org(request))
    return {
        "chosen": chosen,
        "places": [p for p in every if (shown := chosen.places()) is None or p.pk in shown],
        "location_choices": [p for p in every if not chosen.managed or p.pk in chosen.managed],
    }


@staff_view(MANAGE)
@require_http_methods(["GET"])
def item_list(request: HttpRequest) -> HttpResponse:
    organisation = _org(request)
    where = _shown_places(request)
    places = where["places"]
    shown = {p.pk for p in places}
    rows = [r for r in stock_rows(organisation) if r.location.pk in shown]
    by_item: dict[int, list[StockRow]] = {}
    for row in rows:
        by_item.setdefault(row.item.pk, []).append(row)
    table = [(rows_of[0].item, rows_of) for rows_of in by_item.values()]
    return render(
        request,
        "inventory/items.html",
        {
            **where,
            "table": table,
            "low_count": sum(1 for r in rows if r.low),
            "expiring_count": sum(
                1
                for r in expiring_lots(organisation, timezone.localdate())
                if r.location.pk in shown
            ),
        },
    )


@staff_view(MANAGE)
@require_http_methods(["GET"])
def low_stock_list(request: HttpRequest) -> HttpResponse:
    organisation = _org(request)
    today = timezone.localdate()
    where = _shown_places(request)
    shown = {p.pk for p in where["places"]}
    return render(
        request,
        "inventory/low.html",
        {
            **where,
            "rows": [r for r in low_stock(organisation) if r.location.pk in shown],
            "expiring": [r for r in expiring_lots(organisation, today) if r.location.pk in shown],
            "today": today,
            "within": EXPIRING_WITHIN_DAYS,
        },
    )


@staff_view(MANAGE)
@require_http_methods(["GET"])
def item_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    organisation = _org(request)
    item = item_of(organisation, item_id)
    if item is None:
        raise Http404("no such item")
    return render(
        request,
        "inventory/item.html",
        {
            "item": item,
            "rows": stock_rows(organisation, item),
            "lots": lot_rows(organisation, item),
            "today": timezone.localdate(),
            "movements": movements(item),
        },
    )


def _item_input(data: dict[str, Any]) -> ItemInput:
    return ItemInput(
        name=data["name"], kind=data["kind"], hcpcs=data["hcpcs"], billable=data["billable"],
        purchase_mode=data["purchase_mode"] or "", cost=data["cost"],
        charge=data["charge"] or Decimal("0"), reorder_level=data["reorder_level"],
        reorder_quantity=data["reorder_quantity"], supplier=data["supplier"],
        serialised=data["serialised"],
    )  # fmt: skip


@staff_view(MANAGE)
@require_http_methods(["GET", "POST"])
def new_item(request: HttpRequest) -> HttpResponse:
    form = ItemForm(request.POST if request.method == "POST" else None)

    def create() -> Item:
        return do_create_item(actor_of(request), _item_input(form.cleaned_data))

    return edit_screen(
        request, form, create,
        said=lambda item: f"{item.name} added. Receive its first stock below.",
        then=lambda item: redirect(f"{reverse('inventory:receive')}?item={item.pk}"),
        page=lambda: render(request, "inventory/form.html", {
            "form": form, "title": "New item", "button": "Add item",
        }, status=400 if form.errors else 200),
        catching=(InventoryRefused,),
    )  # fmt: skip


@staff_view(MANAGE)
@require_http_methods(["GET", "POST"])
def edit_item(request: HttpRequest, item_id: int) -> HttpResponse:
    """Change an item's figures; what was already dispensed keeps the charge it was billed at."""
    item = item_of(_org(request), item_id)
    if item is None:
        raise Http404("no such item")
    initial = {name: getattr(item, name) for name in ITEM_FIELDS}
    form = ItemForm(request.POST if request.method == "POST" else None, initial=initial)

    def save() -> Item:
        return do_update_item(actor_of(request), item, _item_input(form.cleaned_data))

    return edit_screen(
        request, form, save,
        said=lambda changed: f"{changed.name} saved. Lines already dispensed keep their charge.",
        then=lambda changed: redirect("inventory:item", changed.pk),
        page=lambda: render(request, "inventory/form.html", {
            "form": form, "title": f"Edit {item.name}", "button": "Save item",
            "cancel": reverse("inventory:item", args=[item.pk]),
        }, status=400 if form.errors else 200),
        catching=(InventoryRefused,),
    )  # fmt: skip


def _prefill(request: HttpRequest, *names: str) -> dict[str, str]:
    """Initial values from the query string (the low-stock list's links); digits only for ids."""
    found: dict[str, str] = {}
    for name in names:
        value = request.GET.get(name, "").strip()[:80]
        if value and (name in ("supplier", "lot", "reason") or value.isdigit()):
            found[name] = value
    return found


def _movement_form(
    request: HttpRequest, form_class: type[ReceiveForm | TransferForm | CountForm],
    title: str, button: str, change: Callable[[dict[str, Any]], object], said: str,
    prefill: tuple[str, ...] = ("item", "location"),
) -> HttpResponse:  # fmt: skip
    organisation = _org(request)
    if request.method == "POST":
        form = form_class(organisation, request.POST)
    else:
        form = form_class(organisation, initial=_prefill(request, *prefill))

    def page() -> HttpResponse:
        return render(
            request, "inventory/form.html", {"form": form, "title": title, "button": button},
            status=400 if form.errors else 200,
        )  # fmt: skip

    def done(result: object) -> HttpResponse:
        item = form.cleaned_data["item"]
        return redirect("inventory:item", item.pk)

    return edit_screen(
        request, form, lambda: change(form.cleaned_data), said=said, then=done, page=page,
        catching=(InventoryRefused,),
    )  # fmt: skip


@staff_view(MANAGE)
@require_http_methods(["GET", "POST"])
def receive(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    return _movement_form(
        request, ReceiveForm, "Receive stock", "Receive",
        lambda d: do_receive_stock(
            actor, d["item"], d["location"], d["quantity"], supplier=d["supplier"],
            reference=d["reference"], unit_cost=d["unit_cost"], lot_number=d["lot"],
            expires=d["expires"],
        ),
        "Stock received.", ("item", "location", "quantity", "supplier"),
    )  # fmt: skip


@staff_view(MANAGE)
@require_http_methods(["GET", "POST"])
def transfer(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    return _movement_form(
        request, TransferForm, "Transfer between locations", "Transfer",
        lambda d: do_transfer_stock(
            actor, d["item"], d["source"], d["destination"], d["quantity"], reason=d["reason"],
            lot_number=d["lot"],
        ),
        "Stock transferred.", ("item", "source", "destination", "quantity"),
    )  # fmt: skip


@staff_view(MANAGE)
@require_http_methods(["GET", "POST"])
def count(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    return _movement_form(
        request, CountForm, "Record a count", "Record count",
        lambda d: do_record_count(
            actor, d["item"], d["location"], d["counted"], reason=d["reason"],
            lot_number=d["lot"],
        ),
        "Count recorded.", ("item", "location", "counted", "lot", "reason"),
    )  # fmt: skip


# --- rentals --------------------------------------------------------------------------------


def _next_month(rental: Rental) -> tuple[int, dt.date]:
    month = int(getattr(rental, "billed", 0)) + 1
    return month, month_starts(rental, month)


@staff_view(MANAGE)
@require_http_methods(["GET"])
def rental_list(request: HttpRequest) -> HttpResponse:
    """Units out on rental: to whom, since when, the months billed, the next month due."""
    out = rentals_out(_org(request))
    do_record_audit_event(
        actor_of(request), AuditAction.VIEW, "rental_list", "",
        shown_patient_ids=[r.patient_id for r in out],
    )  # fmt: skip
    rows = [(r, *_next_month(r)) for r in out]
    return render(request, "inventory/rentals.html", {"rows": rows, "today": timezone.localdate()})


@staff_view(MANAGE)
@require_http_methods(["POST"])
def return_rental(request: HttpRequest, rental_id: int) -> HttpResponse:
    rental = rental_of(_org(request), rental_id)
    if rental is None:
        raise Http404("no such rental")
    raw = request.POST.get("returned", "").strip()
    try:
        day = dt.date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        messages.error(request, "Returned on: give a date, e.g. 2026-12-04.")
        return redirect("inventory:rentals")
    try:
        do_return_rental(actor_of(request), rental, day)
    except InventoryRefused as error:
        messages.error(request, f"Returned on: {error.message}")
    else:
        messages.success(
            request, f"{rental.item.name} is back on the shelf at {rental.location.name}."
        )
    return redirect("inventory:rentals")


# --- the note's supplies panel ---------------------------------------------------------------


def _note(request: HttpRequest, note_id: int, *, writing: bool) -> Note:
    staff = request.staff  # type: ignore[attr-defined]
    note = (
        Note.objects.select_related("location")
        .filter(pk=note_id, patient__organisation=staff.organisation)
        .first()
    )
    if note is None:
        raise Http404("no such note")
    if writing and note.therapist_id != staff.pk:
        raise PermissionDenied("only the note's treating clinician dispenses on it")
    return note


def _panel(request: HttpRequest, note: Note, form: DispenseForm, status: int = 200) -> HttpResponse:
    staff = request.staff  # type: ignore[attr-defined]
    given = note_dispenses(note.pk)
    out = rentals_out(staff.organisation, note.patient_id)
    rentals = [
        (
            r,
            month,
            starts,
            starts <= note.date_of_service and all(d.rental_id != r.pk for d in given),
        )
        for r in out
        for month, starts in [_next_month(r)]
    ]
    return render(
        request,
        "inventory/_note_supplies.html",
        {
            "note": note,
            "rentals": rentals,
            "given": given,
            "form": form,
            "cost": visit_cost(given),
            "billed": sum((d.charge for d in given if d.billable), Decimal("0.00")),
            "editable": not note.is_signed and note.therapist_id == staff.pk,
        },
        status=status,
    )


@staff_view(Capability.READ_NOTES)
@require_http_methods(["GET", "POST"])
def note_supplies(request: HttpRequest, note_id: int) -> HttpResponse:
    """GET: the panel (htmx, on the editor and the note page). POST: dispense an item."""
    organisation = _org(request)
    if request.method == "GET":
        note = _note(request, note_id, writing=False)
        do_record_audit_event(
            actor_of(request), AuditAction.VIEW, "note_supplies", note.pk,
            patient_id=note.patient_id,
        )  # fmt: skip
        return _panel(request, note, DispenseForm(organisation))
    staff = request.staff  # type: ignore[attr-defined]
    if not has_capability(staff.role, Capability.WRITE_NOTES):
        raise PermissionDenied("dispensing is part of writing the note")
    note = _note(request, note_id, writing=True)
    form = DispenseForm(organisation, request.POST)
    if form.is_valid():
        try:
            given = do_dispense(
                actor_of(request), note, form.cleaned_data["item"],
                form.cleaned_data["quantity"], lot_number=form.cleaned_data["lot"],
                serial_number=form.cleaned_data["serial_number"],
            )  # fmt: skip
        except InventoryRefused as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            if request.headers.get("HX-Request"):
                return _panel(request, note, DispenseForm(organisation))
            messages.success(request, f"{given.item.name} × {given.quantity} dispensed.")
            return redirect(f"{reverse('notes:edit', args=[note.pk])}#supplies")
    if request.headers.get("HX-Request"):
        return _panel(request, note, form, status=200)
    return _panel(request, note, form, status=400)


@staff_view(Capability.WRITE_NOTES)
@require_http_methods(["POST"])
def bill_rental(request: HttpRequest, note_id: int, rental_id: int) -> HttpResponse:
    """Bill the next month of a unit the patient has on rental on this visit."""
    note = _note(request, note_id, writing=True)
    rental = rental_of(_org(request), rental_id)
    if rental is None:
        raise Http404("no such rental")
    form = DispenseForm(_org(request))
    try:
        do_bill_rental_month(actor_of(request), note, rental)
    except InventoryRefused as error:
        form.add_error(None, error.message)
    if request.headers.get("HX-Request"):
        return _panel(request, note, form)
    return redirect(f"{reverse('notes:edit', args=[note.pk])}#supplies")


@staff_view(Capability.WRITE_NOTES)
@require_http_methods(["POST"])
def take_back(request: HttpRequest, note_id: int, dispense_id: int) -> HttpResponse:
    note = _note(request, note_id, writing=True)
    dispense = Dispense.objects.filter(pk=dispense_id, note=note).first()
    if dispense is None:
        raise Http404("no such dispense on this note")
    form = DispenseForm(_org(request))
    try:
        do_take_back(actor_of(request), dispense)
    except InventoryRefused as error:
        form.add_error(None, error.message)
    if request.headers.get("HX-Request"):
        return _panel(request, note, form)
    return redirect(f"{reverse('notes:edit', args=[note.pk])}#supplies")
