"""The calendar pages' reads: the day grid (a column per clinician, a row per 15 minutes) and
the week grid (a row per clinician, a column per day), each in a fixed number of queries
whatever the number of appointments (a test holds the week to it; `benchmarks/bench_schedule`).

Each appointment is drawn as a `Card` that carries `extra`: what other parts of the clinic
day put on it (eligibility answers, forward flags, reminder state), read in bulk by
`card_extras` and drawn by `scheduling/_appointment_badges.html`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import DurationField, ExpressionWrapper, F, QuerySet
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from cleannote.apps.organisations.models import Location, Organisation, Room, Staff
from cleannote.apps.patients.models import Patient
from cleannote.apps.scheduling.coverage_badges import coverage_badges
from cleannote.apps.scheduling.forward_flags import flags_for
from cleannote.apps.scheduling.models import (
    FREED,
    LONGEST_VISIT,
    Appointment,
    AppointmentType,
    SlotHold,
    WorkingHours,
)
from cleannote.apps.scheduling.selectors import day_bounds
from cleannote.platform.clock import HourCycle, format_date, format_time
from cleannote.platform.money import format_money
from cleannote.platform.plain_rows import rows_as_instances

SLOT_MINUTES = 15
DAY_START = dt.time(7)
DAY_END = dt.time(19)


# Clinicians a grid draws at once (ADR 0676): a day's columns, a week's rows. A group's
# location has more; `?page=` turns to the next ones, `?page=all` draws every one.
CLINICIANS_PER_PAGE = 20


@dataclass(frozen=True, slots=True)
class Filters:
    """The page's `?location=`, `?room=` and `?staff=` (ids, or None for all); `managed`, a
    location manager's locations, which hold the grid when no one location is chosen; `page`,
    the page of clinicians (1 the first, 0 every clinician at once)."""

    location: int | None = None
    room: int | None = None
    staff: int | None = None
    managed: tuple[int, ...] = ()
    page: int = 1

    def places(self) -> tuple[int, ...] | None:
        """The locations drawn: the one chosen, else the manager's, else all (None)."""
        if self.location is not None:
            return (self.location,)
        return self.managed or None


@dataclass(slots=True)
class Card:
    appointment: Appointment
    extra: dict[str, Any] = field(default_factory=dict)
    # The card's markup up to its badges (`draw_cards`, escaped, so marked safe); the
    # template adds the badges and closes it.
    html: SafeString = field(default_factory=lambda: mark_safe(""))


@dataclass(frozen=True, slots=True)
class CardLinks:
    """What every card of a page shares: the URL prefixes and who may do what."""

    cycle: HourCycle
    may_move: bool
    may_write: bool
    appointment_prefix: str = "/schedule/appointment/"
    chart_prefix: str = "/patients/"
    hold_prefix: str = "/schedule/hold/"


@dataclass(slots=True)
class HeldSlot:
    """A waitlist offer holding a clinician's time (ADR 0670), drawn in its cell among the
    cards (ADR 0675): no badges, so `extra` stays empty; `html` is open like a card's."""

    hold: SlotHold
    extra: dict[str, Any] = field(default_factory=dict)
    html: SafeString = field(default_factory=lambda: mark_safe(""))

    @property
    def start(self) -> dt.datetime:
        return self.hold.start


_HELD = (
    '<div class="held-slot" id="hold-{pk}" data-hold="{pk}" data-start="{iso}" '
    'data-staff="{staff}"><a class="held-open" href="{open}" tabindex="-1">'
    '<span class="appt-time">{when}</span> <span class="held-what">Held for waitlist offer '
    'until {until}</span></a><span class="appt-what subtle">for {who}{room}</span>'
)


def draw_held(held: Iterable[HeldSlot], links: CardLinks, today: dt.date) -> None:
    """Each held slot's markup: its time, until when it is held (the day too when that is
    not today), the initials it is held for and the room; a link to the hold's page, where
    the desk answers or releases it. Everything shown is escaped."""
    zone = timezone.get_current_timezone()
    for item in held:
        h = item.hold
        local, until = h.start.astimezone(zone), h.expires_at.astimezone(zone)
        until_text = format_time(until, links.cycle)
        if until.date() != today:
            until_text = f"{until:%a} {until_text}"
        item.html = mark_safe(
            _HELD.format(  # every value escaped, or a number
                pk=h.pk,
                iso=local.isoformat(),
                staff=h.staff_id,
                open=f"{links.hold_prefix}{h.pk}/",
                when=escape(f"{format_time(local, links.cycle)}–{format_time(h.end, links.cycle)}"),
                until=escape(until_text),
                who=escape(h.initials),
                room=escape(f" · {h.room.name}") if h.room is not None else "",
            )
        )


_CARD = (
    '<div class="appt appt-{status}" id="card-{pk}" data-appointment="{pk}" data-start="{iso}" '
    'data-staff="{staff}"{movable}>'
    '<a class="appt-open" href="{open}" tabindex="-1"><span class="appt-time">{when}</span> '
    '<span class="appt-who">{who}</span></a>'
    '<span class="appt-what subtle">{what}</span>'
    '<span class="appt-links"><a href="{chart}" tabindex="-1">chart</a>{note}</span>'
)


def draw_cards(cards: Iterable[Card], links: CardLinks) -> None:
    """Each card's markup, written here rather than in a template included per card: the
    week of 2,000 visits draws in a few milliseconds instead of most of its budget
    (benchmarks/bench_schedule.py). Everything shown is escaped."""
    zone = timezone.get_current_timezone()
    # "2:05 PM" per distinct wall-clock time, not per card: a week repeats its slots (ADR 0603).
    shown: dict[tuple[int, int], str] = {}

    def clock(moment: dt.datetime) -> str:
        key = (moment.hour, moment.minute)
        if (text := shown.get(key)) is None:
            text = shown[key] = format_time(moment.time(), links.cycle)
        return text

    for card in cards:
        a = card.appointment
        local, local_end = a.start.astimezone(zone), a.end.astimezone(zone)
        kind = a.appointment_type.name if a.appointment_type is not None else "Visit"
        what = [kind]
        if a.room is not None:
            what.append(a.room.name)
        if a.status != "booked":
            what.append(a.get_status_display())
        if a.outside_hours:
            what.append("outside hours")
        opened = f"{links.appointment_prefix}{a.pk}/"
        first = a.patient.first_name[:1]
        card.html = mark_safe(
            _CARD.format(  # every value escaped, or a number
                status=escape(a.status),
                pk=a.pk,
                iso=local.isoformat(),
                staff=a.staff_id,
                movable=(
                    f' draggable="true" data-move="{opened}move/"'
                    if links.may_move and a.status == "booked"
                    else ""
                ),
                open=opened,
                when=f"{clock(local)}–{clock(local_end)}",
                who=escape(f"{a.patient.last_name}, {first}." if first else a.patient.last_name),
                what=escape(" · ".join(what)),
                chart=f"{links.chart_prefix}{a.patient_id}/",
                note=f' · <a href="{opened}#start-note" tabindex="-1">start note</a>'
                if links.may_write
                else "",
            )
        )


# A card's badges (`_appointment_badges.html`), drawn by the view for a card with `extra`.
BadgeDrawer = Callable[[Card], str]


def _coverage_badge(badge: Any) -> str:
    """`_appointment_badges.html`'s eligibility answer, the same markup."""
    title = (
        "Eligibility answer for this visit"
        if badge.for_this_visit
        else "Patient's newest eligibility answer"
    )
    if badge.note:
        title = f"{title}: {escape(badge.note)}"
    parts = [
        f'<span class="appt-what appt-coverage"><a class="badge badge-{escape(badge.tone)}" '
        f'href="{escape(badge.url)}" tabindex="-1" title="{title}">'
        f"{escape(badge.label)}</a>"
    ]
    if badge.visits_left is not None:
        parts.append(f" {escape(badge.visits_left)} {escape(badge.service)} left")
    if badge.copay is not None:
        parts.append(f" · copay {escape(format_money(badge.copay))}")
    if badge.authorization_required:
        parts.append(" · <strong>auth</strong>")
    if badge.medicare_advantage:
        parts.append(" · <strong>MA plan</strong>")
    parts.append("</span>")
    return "".join(parts)


_REPLIES = {
    "confirmed": ("badge-good", "Confirmed from the reminder", "Patient confirmed"),
    "cancelled": ("badge-bad", "Cancelled from the reminder", "Cancelled by patient"),
}


def _reply_badge(appointment: Appointment, cycle: HourCycle) -> str:
    """`_patient_reply_badge.html`, the same markup."""
    if (reply := _REPLIES.get(appointment.patient_reply)) is None:
        return ""
    tone, said, label = reply
    at = appointment.patient_replied_at
    when = f"{format_date(at)} {format_time(at, cycle)}" if at is not None else " "
    return f'<span class="badge {tone}" title="{escape(f"{said} {when}")}">{label}</span>'


def _flag_badges(flags: Sequence[Any], url: str) -> str:
    """`_forward_flags.html` inside a grid (`flags_url` set, `in_grid`), the same markup."""
    return " ".join(
        f'<a class="badge {"badge-bad" if flag.severity == "error" else "badge-warn"} '
        f'forward-flag" data-flag="{escape(flag.kind)}" href="{url}#flags" '
        f'title="{escape(flag.message)}" aria-label="{escape(f"{flag.label}: {flag.message}")}"'
        f' tabindex="-1">{escape(flag.label)}</a>'
        for flag in flags
    )


def badge_drawer(links: CardLinks) -> BadgeDrawer:
    """A grid card's badges, written here as the cards are (ADR 0674): the markup
    `_appointment_badges.html` gives inside a grid, every value escaped, without the template
    engine's per-card render (a tenth of the week's time at 2,000 visits). The template stays
    for the appointment page and the clinician's day; a test holds the two to the same bytes."""

    def draw(card: Card) -> str:
        extra = card.extra
        badge = extra.get("coverage")
        flags = extra.get("flags")
        a = card.appointment
        return "".join(
            (
                "\n",
                _coverage_badge(badge) if badge else "",
                "\n",
                _reply_badge(a, links.cycle),
                "\n\n",
                (
                    f'<span class="appt-flags">'
                    f"{_flag_badges(flags, f'{links.appointment_prefix}{a.pk}/')}\n</span>"
                    if flags
                    else ""
                ),
                "\n",
            )
        )

    return draw


def draw_cell(cards: Iterable[Card | HeldSlot], badges: BadgeDrawer) -> SafeString:
    """One grid cell's cards, each with its badges (only a card whose `extra` holds something
    has any) and closed: what the grid templates did per card, joined here (ADR 0607)."""
    return mark_safe(  # card.html is escaped (draw_cards); badges come from a template
        "".join(
            f"{card.html}{badges(card) if card.extra and isinstance(card, Card) else ''}</div>"
            for card in cards
        )
    )


@dataclass(frozen=True, slots=True)
class KnownExtras:
    """What a page already read for some appointments (the day list, for the same day's
    visits): `card_extras` reuses it for those, and reads only the rest (ADR 0660)."""

    appointment_ids: frozenset[int]
    coverage: Mapping[int, Any]
    flags: Mapping[int, tuple[Any, ...]]


def card_extras(
    organisation: Organisation,
    cards: Sequence[Card],
    today: dt.date,
    known: KnownExtras | None = None,
) -> None:
    """Fill each card's `extra` in bulk: one query per kind of fact, never one per card.

    Other parts of the clinic day add a line here (a bulk selector keyed by appointment id)
    and draw it in `_appointment_badges.html`. The grids include that template only for a
    card whose `extra` holds something, so a week of 2,000 quiet visits pays nothing for it.
    Each appointment's answers depend only on its own patient's chart, so answers `known`
    for a larger set of visits are the same ones."""
    coverage: dict[int, Any] = dict(known.coverage) if known else {}
    flags: dict[int, tuple[Any, ...]] = dict(known.flags) if known else {}
    rest = [c for c in cards if known is None or c.appointment.pk not in known.appointment_ids]
    if rest:
        coverage.update(
            coverage_badges(  # eligibility's answer (ADR 0633): one query
                organisation.pk, [(c.appointment.pk, c.appointment.patient_id) for c in rest]
            )
        )
        # The forward compliance view's flags (ADR 0620): constant queries for any number.
        flags.update(flags_for(organisation, [card.appointment for card in rest], today))
    # A key only where there is something to draw: an empty `extra` skips the badges include.
    for card in cards:
        pk = card.appointment.pk
        if (badge := coverage.get(pk)) is not None:
            card.extra["coverage"] = badge
        if flagged := flags.get(pk, ()):
            card.extra["flags"] = flagged
        if card.appointment.patient_reply:  # the reminder's answer (_patient_reply_badge.html)
            card.extra["reply"] = card.appointment.patient_reply


def clinicians(organisation: Organisation, filters: Filters) -> list[Staff]:
    """Active staff with a clinical credential, the filtered one alone when `staff` is set."""
    rows = Staff.objects.filter(organisation=organisation, user__is_active=True).exclude(
        credential=""
    )
    if filters.staff is not None:
        rows = rows.filter(pk=filters.staff)
    return list(rows.select_related("user").order_by("user__last_name", "user__first_name", "pk"))


def appointments_between(
    organisation: Organisation,
    start: dt.datetime,
    end: dt.datetime,
    filters: Filters,
    *,
    holding_time_only: bool = True,
    staff_ids: Collection[int] | None = None,
) -> QuerySet[Appointment]:
    # A visit lasts at most LONGEST_VISIT, so one still running at `start` began less than
    # that before it: the lower bound makes the (organisation, start) index read the page's
    # days only, not every earlier visit of the clinic (ADR 0676).
    rows = Appointment.objects.filter(
        organisation=organisation,
        start__gt=start - LONGEST_VISIT,
        start__lt=end,
        end__gt=start,
    )
    if holding_time_only:
        rows = rows.exclude(status__in=FREED)
    return filtered(rows, filters, staff_ids).order_by("start", "id")


def filtered(
    rows: QuerySet[Appointment], filters: Filters, staff_ids: Collection[int] | None = None
) -> QuerySet[Appointment]:
    """`rows` at the filters' locations, room and clinician, and of `staff_ids` (the page's
    clinicians, `Roster.staff_ids`) when given: the grids' visits and the day's list."""
    if (places := filters.places()) is not None:
        rows = rows.filter(location_id__in=places)
    if filters.room is not None:
        rows = rows.filter(room_id=filters.room)
    if filters.staff is not None:
        rows = rows.filter(staff_id=filters.staff)
    if staff_ids is not None:
        rows = rows.filter(staff_id__in=staff_ids)
    return rows


# Of the patient, only what a card shows: a chart row is wide, and 2,000 of them whole cost
# more than the rest of the page.
_PATIENT_FIELDS = ("id", "first_name", "last_name", "organisation_id")


# Timestamps no card reads, left deferred (read on first use, as with `.only()`); and the
# end comes as the visit's length. psycopg reads a timestamp through Django's loader in Python
# (about 5 µs each), an interval in C: 2,000 visits' four timestamps became one (ADR 0674).
_UNREAD = frozenset({"created_at", "arrived_at", "checked_out_at", "cancelled_at", "end"})
_OWN = tuple(f.attname for f in Appointment._meta.concrete_fields if f.attname not in _UNREAD)
_START = _OWN.index("start")


def load_appointments(rows: QuerySet[Appointment]) -> list[Appointment]:
    """`rows` with each one's patient (its name only), read as plain rows and made into
    instances without Django's per-row construction (`rows_as_instances`, ADR 0660): the
    same objects `select_related("patient").only(…)` gave, a patient shared by its visits."""
    width = len(_OWN)
    read = list(
        rows.annotate(
            length=ExpressionWrapper(F("end") - F("start"), output_field=DurationField())
        ).values_list(*_OWN, "length", *(f"patient__{name}" for name in _PATIENT_FIELDS))
    )
    appointments = rows_as_instances(
        Appointment,
        (*_OWN, "end"),
        ((*r[:width], r[_START] + r[width]) for r in read),
        rows.db,
    )
    width += 1
    named: dict[int, tuple[Any, ...]] = {}  # each patient's columns, once
    for row in read:
        named.setdefault(row[width], row[width:])
    people = {p.pk: p for p in rows_as_instances(Patient, _PATIENT_FIELDS, named.values(), rows.db)}
    for appointment in appointments:
        appointment._state.fields_cache["patient"] = people[appointment.patient_id]
    return appointments


@dataclass(frozen=True, slots=True)
class Lookups:
    """What a grid read of the clinic besides its visits, which the page's filters and
    pickers show too (`filter_choices`): read once (ADR 0674). `clinicians` is every active
    clinician, or None when the grid read only the filtered one."""

    locations: list[Location]
    rooms: list[Room]
    clinicians: list[Staff] | None


def _attach(
    organisation: Organisation, appointments: list[Appointment], staff: list[Staff]
) -> tuple[list[Location], list[Room]]:
    """The few clinicians, locations, rooms and types the appointments name, read once each
    and set on every appointment, instead of joined into each of thousands of rows; the
    clinic's locations and rooms in the order the filters list them."""
    people = {s.pk: s for s in staff}
    missing = {a.staff_id for a in appointments} - people.keys()
    if missing:
        people.update(
            {s.pk: s for s in Staff.objects.filter(pk__in=missing).select_related("user")}
        )
    every_place, every_room = _places(organisation)
    places = {loc.pk: loc for loc in every_place}
    rooms = {r.pk: r for r in every_room}
    kinds = {k.pk: k for k in AppointmentType.objects.filter(organisation=organisation)}
    # Filled straight into each row's relation cache: the same as reading `a.staff` after a
    # join, without the assignment's checks (a third of the week's time at 2,000 visits).
    fields = Appointment._meta
    staff_field, location_field = fields.get_field("staff"), fields.get_field("location")
    room_field, kind_field = fields.get_field("room"), fields.get_field("appointment_type")
    for a in appointments:
        staff_field.set_cached_value(a, people[a.staff_id])
        location_field.set_cached_value(a, places[a.location_id])
        room_field.set_cached_value(a, rooms.get(a.room_id or 0))
        kind_field.set_cached_value(a, kinds.get(a.appointment_type_id or 0))
    return every_place, every_room


def _places(organisation: Organisation) -> tuple[list[Location], list[Room]]:
    """The clinic's locations by name and its rooms (inactive ones too) by location and name."""
    return (
        list(Location.objects.filter(organisation=organisation).order_by("name")),
        list(
            Room.objects.filter(organisation=organisation)
            .select_related("location")
            .order_by("location__name", "name")
        ),
    )


@dataclass(frozen=True, slots=True)
class ClinicianPage:
    """Which of the clinicians a grid's filters match it draws: `number` of `pages` (0 when
    every one is drawn at once), the 1-based positions `first` to `last` of `total`."""

    number: int
    pages: int
    first: int
    last: int
    total: int
    size: int = CLINICIANS_PER_PAGE

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if 0 < self.number < self.pages else None


@dataclass(frozen=True, slots=True)
class Roster:
    """Every active clinician (the filter's choices), and the page of those the grid draws."""

    every: list[Staff]
    shown: list[Staff]
    page: ClinicianPage

    def staff_ids(self) -> list[int] | None:
        """The drawn clinicians' ids when the page leaves some out, else None (no limit)."""
        return None if len(self.shown) == self.page.total else [s.pk for s in self.shown]


def roster(
    organisation: Organisation,
    start: dt.datetime,
    end: dt.datetime,
    filters: Filters,
    holds: Iterable[SlotHold] = (),
) -> Roster:
    """The clinicians a grid of [start, end) draws, before any visit is read (ADR 0676).
    With a location or room (or a manager's locations), only those who work there or are
    booked there: one query of the distinct clinicians booked, not the visits themselves.
    Then the page of `CLINICIANS_PER_PAGE` that `filters.page` names (the last, past it)."""
    every = clinicians(organisation, Filters(staff=filters.staff))
    staff = every
    places = filters.places()
    if places is not None or filters.room is not None:
        booked = set(
            appointments_between(organisation, start, end, filters)
            .order_by()
            .values_list("staff_id", flat=True)
            .distinct()
        ) | {h.staff_id for h in holds}
        there: set[int] = set()
        if places is not None and filters.room is None:
            there = set(
                WorkingHours.objects.filter(
                    staff__in=[s.pk for s in every], location_id__in=places
                ).values_list("staff_id", flat=True)
            ) | {s.pk for s in every if s.default_location_id in places}
        staff = [s for s in every if s.pk in booked or s.pk in there]
    total, size = len(staff), CLINICIANS_PER_PAGE
    if filters.page == 0 or total <= size:
        return Roster(every, staff, ClinicianPage(0 if total else 1, 1, 1, total, total, size))
    pages = -(-total // size)
    number = min(filters.page, pages)
    first = (number - 1) * size
    shown = staff[first : first + size]
    page = ClinicianPage(number, pages, first + 1, first + len(shown), total, size)
    return Roster(every, shown, page)


# -- the day grid -----------------------------------------------------------------------------


@dataclass(slots=True)
class Block:
    """One cell of a clinician's column: free slots (no cards) or the cards of [first, last)."""

    first: int
    last: int
    cards: list[Card | HeldSlot]

    @property
    def span(self) -> int:
        return self.last - self.first


@dataclass(slots=True)
class Column:
    staff: Staff
    index: int
    # {slot index: the block that starts there}; slots inside a longer block are absent.
    starts: dict[int, Block]


@dataclass(slots=True)
class DayGrid:
    day: dt.date
    slots: list[dt.datetime]
    columns: list[Column]
    cards: list[Card]
    lookups: Lookups
    held: list[HeldSlot]
    page: ClinicianPage
    # The table's rows, markup and all (`draw_day`): a row per 15 minutes times a column per
    # clinician is thousands of cells, too many for the template engine (ADR 0607).
    body: SafeString = field(default_factory=lambda: mark_safe(""))

    def rows(self) -> list[tuple[int, dt.datetime, list[tuple[Column, str, Block | None]]]]:
        """Per slot: its index, its time, and per column "block" (a block starts here), "free"
        or "covered" (a longer block above reaches over it: no cell)."""
        covered = {
            (c.index, i)
            for c in self.columns
            for b in c.starts.values()
            for i in range(b.first + 1, b.last)
        }
        return [
            (
                i,
                moment,
                [
                    (c, "block", c.starts[i])
                    if i in c.starts
                    else (c, "covered" if (c.index, i) in covered else "free", None)
                    for c in self.columns
                ],
            )
            for i, moment in enumerate(self.slots)
        ]


_DAY_ROW = (
    '<tr{hour}>\n      <th scope="row" class="slot-time">{time}</th>\n      {cells}\n    </tr>'
)
_DAY_BLOCK = (
    '<td rowspan="{span}" class="slot slot-busy" tabindex="-1" data-col="{col}" '
    'data-slot="{first}" data-span="{span}" data-staff="{staff}" data-start="{start}">'
    "{cards}</td>"
)
_DAY_FREE = (
    '<td class="slot" tabindex="-1" data-col="{col}" data-slot="{slot}" data-span="1" '
    'data-staff="{staff}" data-start="{start}"><span class="visually-hidden">{who} {time} '
    "free</span></td>"
)


def draw_day(grid: DayGrid, cycle: HourCycle, badges: BadgeDrawer) -> None:
    """The day table's rows (`DayGrid.body`), after `draw_cards` and `card_extras`: the
    markup _day_grid.html wrote per slot and clinician, every value escaped or a number."""
    who = {c.index: escape(c.staff.display_name) for c in grid.columns}
    rows = []
    for index, moment, cells in grid.rows():
        local = timezone.localtime(moment)
        start = local.strftime("%Y-%m-%dT%H:%M")
        time = format_time(moment, cycle)
        drawn = []
        for column, kind, block in cells:
            if kind == "block" and block is not None:
                drawn.append(
                    _DAY_BLOCK.format(
                        span=block.span,
                        col=column.index,
                        first=block.first,
                        staff=column.staff.pk,
                        start=start,
                        cards=draw_cell(block.cards, badges),
                    )
                )
            elif kind == "free":
                drawn.append(
                    _DAY_FREE.format(
                        col=column.index,
                        slot=index,
                        staff=column.staff.pk,
                        start=start,
                        who=who[column.index],
                        time=escape(time),
                    )
                )
        rows.append(
            _DAY_ROW.format(
                hour=' class="hour"' if moment.minute == 0 else "",
                time=escape(time) if moment.minute == 0 or index == 0 else "",
                cells="".join(drawn),
            )
        )
    grid.body = mark_safe("".join(rows))


def _slot_of(moment: dt.datetime, first: dt.datetime) -> int:
    return int((moment - first).total_seconds() // (SLOT_MINUTES * 60))


def day_grid(
    organisation: Organisation,
    day: dt.date,
    filters: Filters,
    holds: Sequence[SlotHold] = (),
    people: Roster | None = None,
) -> DayGrid:
    """A column per clinician of the page (`people`, the `roster` of the day), a row per 15
    minutes; `holds` (the page's live waitlist holds, ADR 0670) drawn in their clinician's
    column at their time, like a visit."""
    midnight, next_midnight = day_bounds(day)
    if people is None:
        people = roster(organisation, midnight, next_midnight, filters, holds)
    appointments = load_appointments(
        appointments_between(
            organisation, midnight, next_midnight, filters, staff_ids=people.staff_ids()
        )
    )
    every = people.every
    lookups = Lookups(
        *_attach(organisation, appointments, every), every if filters.staff is None else None
    )
    staff = people.shown
    drawn = {s.pk for s in staff}
    holds = [h for h in holds if h.staff_id in drawn]
    zone = timezone.get_current_timezone()
    first = dt.datetime.combine(day, DAY_START, tzinfo=zone)
    last = dt.datetime.combine(day, DAY_END, tzinfo=zone)
    timed: list[Appointment | SlotHold] = [*appointments, *holds]
    if timed:
        first = min(first, min(a.start for a in timed).astimezone(zone))
        last = max(last, max(a.end for a in timed).astimezone(zone))
    first = first.replace(minute=first.minute - first.minute % SLOT_MINUTES, second=0)
    first = max(first, midnight)
    count = max(
        1, -(-int((min(last, next_midnight) - first).total_seconds()) // (SLOT_MINUTES * 60))
    )
    slots = [first + dt.timedelta(minutes=SLOT_MINUTES * i) for i in range(count)]
    by_staff: dict[int, list[Appointment | SlotHold]] = defaultdict(list)
    for appointment in appointments:
        by_staff[appointment.staff_id].append(appointment)
    for hold in holds:  # after the visits, in time order among them (a stable sort)
        by_staff[hold.staff_id].append(hold)
    cards: list[Card] = []
    held: list[HeldSlot] = []
    columns = []
    for index, person in enumerate(staff):
        starts: dict[int, Block] = {}
        current: Block | None = None
        for timed_item in sorted(by_staff.get(person.pk, []), key=lambda a: a.start):
            card: Card | HeldSlot
            if isinstance(timed_item, SlotHold):
                card = HeldSlot(timed_item)
                held.append(card)
            else:
                card = Card(timed_item)
                cards.append(card)
            begin = max(0, _slot_of(timed_item.start, first))
            end = min(
                count,
                max(
                    begin + 1,
                    -(-int((timed_item.end - first).total_seconds()) // (SLOT_MINUTES * 60)),
                ),
            )
            if current is not None and begin < current.last:
                current.last = max(current.last, end)
                current.cards.append(card)
                continue
            current = Block(begin, end, [card])
            starts[begin] = current
        columns.append(Column(person, index, starts))
    return DayGrid(day, slots, columns, cards, lookups, held, people.page)


# -- the week grid ----------------------------------------------------------------------------


@dataclass(slots=True)
class WeekRow:
    staff: Staff
    index: int
    days: list[tuple[dt.date, list[Card | HeldSlot]]]
    # The row's day cells, markup and all (`draw_week`): 300 cells of 2,000 cards drawn by the
    # template engine were most of the week's time (ADR 0607).
    cells: SafeString = field(default_factory=lambda: mark_safe(""))


@dataclass(slots=True)
class WeekGrid:
    monday: dt.date
    days: list[dt.date]
    rows: list[WeekRow]
    cards: list[Card]
    lookups: Lookups
    held: list[HeldSlot]
    page: ClinicianPage


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def week_grid(
    organisation: Organisation, day: dt.date, filters: Filters, holds: Sequence[SlotHold] = ()
) -> WeekGrid:
    """Monday to Sunday of `day`'s week, a row per clinician of the page (`roster`);
    Saturday and Sunday only when something is booked or held. `holds` (ADR 0670) are drawn
    in their clinician's day among the visits."""
    monday = monday_of(day)
    start, _ = day_bounds(monday)
    _, end = day_bounds(monday + dt.timedelta(days=6))
    people = roster(organisation, start, end, filters, holds)
    appointments = load_appointments(
        appointments_between(organisation, start, end, filters, staff_ids=people.staff_ids())
    )
    every = people.every
    lookups = Lookups(
        *_attach(organisation, appointments, every), every if filters.staff is None else None
    )
    staff = people.shown
    drawn = {s.pk for s in staff}
    holds = [h for h in holds if h.staff_id in drawn]
    cells: dict[tuple[int, dt.date], list[Card | HeldSlot]] = defaultdict(list)
    cards = []
    for appointment in appointments:
        card = Card(appointment)
        cards.append(card)
        cells[(appointment.staff_id, timezone.localtime(appointment.start).date())].append(card)
    held = []
    for hold in holds:
        item = HeldSlot(hold)
        held.append(item)
        cell = cells[(hold.staff_id, timezone.localtime(hold.start).date())]
        cell.append(item)
        cell.sort(key=lambda c: c.start if isinstance(c, HeldSlot) else c.appointment.start)
    weekend = {d for (_, d) in cells if d.weekday() >= 5}
    days = [
        monday + dt.timedelta(days=i)
        for i in range(7)
        if i < 5 or monday + dt.timedelta(days=i) in weekend
    ]
    rows = [
        WeekRow(person, index, [(d, cells.get((person.pk, d), [])) for d in days])
        for index, person in enumerate(staff)
    ]
    return WeekGrid(monday, days, rows, cards, lookups, held, people.page)


_WEEK_CELL = (
    '<td class="slot week-cell" tabindex="-1" data-col="{col}" data-row="{row}" '
    'data-staff="{staff}" data-day="{day}"><span class="visually-hidden">{who}, {heading}: '
    "{count} appointment{plural}{held}</span>{cards}</td>"
)


def draw_week(grid: WeekGrid, badges: BadgeDrawer) -> None:
    """Each row's day cells (`WeekRow.cells`), after `draw_cards` and `card_extras`: the
    markup week.html wrote per cell, every value escaped or a number."""
    headings = {d: escape(format_date(d, short=True)) for d in grid.days}
    for row in grid.rows:
        who = escape(row.staff.display_name)
        row.cells = mark_safe(
            "".join(
                _WEEK_CELL.format(
                    col=col,
                    row=row.index,
                    staff=row.staff.pk,
                    day=day.isoformat(),
                    who=who,
                    heading=headings[day],
                    count=(count := sum(isinstance(c, Card) for c in cards)),
                    plural="" if count == 1 else "s",
                    held=(
                        f", {len(cards) - count} held for a waitlist offer"
                        if len(cards) > count
                        else ""
                    ),
                    cards=draw_cell(cards, badges),
                )
                for col, (day, cards) in enumerate(row.days)
            )
        )


def filter_choices(
    organisation: Organisation, known: Lookups | None = None
) -> tuple[list[Location], list[Room]]:
    """The locations and the active rooms the filters and pickers offer (`known`: as a grid
    already read them)."""
    locations, rooms = (known.locations, known.rooms) if known else _places(organisation)
    return locations, [r for r in rooms if r.active]
