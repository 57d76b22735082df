"""Every 270 we write, checked by pyx12 where pyx12 can (ADR 0673, ADR 0630).

pyx12 4.0.0 ships no map for 005010X279A1, the guide our 270s follow (only 4010's 270 map), so
it refuses them before validating anything. This test writes the 270s a clinic sends, the next
clinic day's batch and a single inquiry from the chart, and pins that refusal: the day a pyx12
release carries the 279A1 map, it fails here, and the assertion to keep is the one below it,
that pyx12 finds no error."""

from __future__ import annotations

from pathlib import Path

import pytest
import pyx12
import pyx12.errors

from cleannote.apps.eligibility.actions import Question, do_build_270, do_build_270_for_day
from cleannote.edi.x12_270 import VERSION
from tests.apps.eligibility.test_eligibility import DAY, actor_for, book
from tests.edi.pyx12_check import pyx12_errors


def _next_day_batch(clinic) -> bytes:  # type: ignore[no-untyped-def]
    book(clinic, DAY, 9)
    (check,) = do_build_270_for_day(actor_for(clinic.front_desk), DAY)
    return check.request_file.content.encode("ascii")


def _single_inquiry(clinic) -> bytes:  # type: ignore[no-untyped-def]
    coverage = clinic.patient.coverages.get()
    (check,) = do_build_270(actor_for(clinic.front_desk), [Question(coverage, DAY)])
    return check.request_file.content.encode("ascii")


def _pyx12_has_map(version: str) -> bool:
    maps = Path(pyx12.__file__).parent / "map" / "maps.xml"
    text = maps.read_text()
    return f'vriic="{version}"' in text


@pytest.mark.parametrize("written_by", [_next_day_batch, _single_inquiry], ids=lambda f: f.__name__)
def test_every_270_we_write_passes_pyx12_once_it_has_the_map(clinic, written_by) -> None:
    data = written_by(clinic)
    assert f"*{VERSION}~" in data.decode()
    if not _pyx12_has_map(VERSION):
        with pytest.raises(pyx12.errors.EngineError, match=f"Map not found.*{VERSION}"):
            pyx12_errors(data)
        return
    assert pyx12_errors(data) == []


def test_the_installed_pyx12_still_lacks_the_279a1_map() -> None:
    """When this fails, a pyx12 upgrade brought the map: the test above now validates every
    270 for real; delete this one and the refusal branch, and update ADR 0630."""
    assert not _pyx12_has_map(VERSION)
    assert _pyx12_has_map("004010X092A1")
