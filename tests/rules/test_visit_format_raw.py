"""`read_raw`: the reader's one walk of the input, before parsing, which `read_visits` and
`cleannote scrub --jobs N` both use: folders in path order, JSON Lines in chunks of raw lines,
a document whole, and a file that stops being UTF-8 part way (its lines, then the error)."""

from __future__ import annotations

import io
import json
from pathlib import Path

from cleannote.rules.visit_format import (
    RawDocument,
    RawLines,
    VisitErrorCode,
    VisitFormatError,
    items_of,
    read_raw,
    read_visits,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _shape(unit: object) -> tuple[str, object]:
    if isinstance(unit, RawLines):
        return ("lines", (Path(unit.source).name, unit.first, len(unit.texts)))
    if isinstance(unit, RawDocument):
        return ("document", Path(unit.source).name)
    assert isinstance(unit, VisitFormatError)
    return ("error", unit.code.value)


def test_a_folder_is_walked_in_path_order_with_json_lines_in_chunks(tmp_path: Path) -> None:
    # given
    line = (EXAMPLES / "batch.jsonl").read_text().splitlines()[0]
    (tmp_path / "b.jsonl").write_text("\n".join([line] * 5) + "\n")
    (tmp_path / "a.json").write_text((EXAMPLES / "slp-visit.json").read_text())
    (tmp_path / "notes.txt").write_text("not a visit file")
    # when
    units = list(read_raw([tmp_path], chunk_lines=2))
    # then
    assert [_shape(u) for u in units] == [
        ("document", "a.json"),
        ("lines", ("b.jsonl", 1, 2)),
        ("lines", ("b.jsonl", 3, 2)),
        ("lines", ("b.jsonl", 5, 1)),
    ]
    assert sum(1 for u in units for i in items_of(u) if i.visit is not None) == 6


def test_a_file_that_stops_being_utf8_gives_its_lines_then_the_error(tmp_path: Path) -> None:
    # given 30 good lines (about 100 KB), then a byte that is not UTF-8
    line = (EXAMPLES / "batch.jsonl").read_text().splitlines()[0]
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(("\n".join([line] * 30) + "\n").encode() + b"\xff\n")
    # when
    units = list(read_raw([path], chunk_lines=10))
    # then: the lines decoded before the bad byte (text is decoded in blocks, so the lines that
    # share its block are lost with it), then the error
    shapes = [_shape(u) for u in units]
    assert shapes[:2] == [("lines", ("mixed.jsonl", 1, 10)), ("lines", ("mixed.jsonl", 11, 10))]
    assert shapes[-1] == ("error", "not-utf8")
    items = list(read_visits([path]))
    assert all(i.visit is not None for i in items[:-1])
    assert len(items) > 20
    assert str(items[-1].error) == f"{path}: not UTF-8 text"


def test_a_stream_is_json_lines_or_one_document_by_its_first_line() -> None:
    visit = json.loads((EXAMPLES / "slp-visit.json").read_text())
    lines = io.StringIO("\n" + json.dumps(visit) + "\n" + json.dumps(visit) + "\n")
    document = io.StringIO("\n" + json.dumps([visit, visit], indent=1))
    assert [_shape(u) for u in read_raw(["-"], lines)] == [("lines", ("<stdin>", 1, 3))]
    [whole] = read_raw(["-"], document)
    assert isinstance(whole, RawDocument)
    assert whole.first_line == 2  # error line numbers count from the stream's start
    assert [i.source for i in items_of(whole)] == ["<stdin>[0]", "<stdin>[1]"]


def test_what_cannot_be_read_is_one_error_unit(tmp_path: Path) -> None:
    units = list(read_raw([tmp_path / "gone.jsonl", "-"], stdin=None))
    assert [_shape(u) for u in units] == [("error", "cannot-read"), ("error", "no-input")]
    assert all(isinstance(u, VisitFormatError) for u in units)
    assert {u.code for u in units} == {VisitErrorCode.CANNOT_READ, VisitErrorCode.NO_INPUT}  # type: ignore[union-attr]
