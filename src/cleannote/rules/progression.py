"""Which of a visit's services repeat the exact parameters of the code's last two sessions.

Unchanged exercise reads as maintenance (CMS 100-02 Ch.15 §220.2): the scrubber warns about it
(`doc.no-progression`) and, for Medicare, expects such a line to be denied as not reasonable and
necessary unless the patient signed an ABN (`rules.beneficiary_notices`). Both read this one
function, so they cannot disagree about what a maintenance line is.
"""

from __future__ import annotations

from operator import attrgetter

from cleannote.rules.visit import Visit

NO_PROGRESSION_RUN = 3
_history_date = attrgetter("date_of_service")


def unprogressed_services(visit: Visit) -> tuple[int, ...]:
    """Indexes of the services whose parameters equal the code's on the two earlier sessions.

    Earlier visits where the code was not done are passed over: the run is about the code's
    own sessions. A service without parameters is never in the run.
    """
    history = visit.history
    if len(history) < NO_PROGRESSION_RUN - 1:
        return ()
    # A run needs parameters on both sides: most history carries none, so look first.
    if not any(done.parameters for past in history for done in past.services):
        return ()
    on = visit.date_of_service
    # Each code's parameter sets per earlier visit, newest visit first.
    sessions: dict[str, list[list[dict[str, object]]]] = {}
    for past in sorted(history, key=_history_date, reverse=True):
        if past.date_of_service >= on:
            continue
        seen: dict[str, list[dict[str, object]]] = {}
        for done in past.services:
            seen.setdefault(done.code, []).append(done.parameters)
        for code, parameter_sets in seen.items():
            sessions.setdefault(code, []).append(parameter_sets)
    found = []
    for index, service in enumerate(visit.services):
        parameters = service.parameters
        if not parameters:
            continue
        recent = sessions.get(service.code, [])[: NO_PROGRESSION_RUN - 1]
        if len(recent) == NO_PROGRESSION_RUN - 1 and all(
            parameters in parameter_sets for parameter_sets in recent
        ):
            found.append(index)
    return tuple(found)
