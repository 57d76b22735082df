"""Run the benchmarks named on the command line (or all of them) and print their figures.

Each `benchmarks/bench_<name>.py` exposes `run() -> None`, which prints its own figures as
`name: value unit` lines. Figures are measured, never asserted: targets live in the issues and
the notes, not in tests.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time

import benchmarks


def main(selected: list[str]) -> int:
    names = sorted(
        info.name
        for info in pkgutil.iter_modules(benchmarks.__path__)
        if info.name.startswith("bench_")
    )
    if selected:
        names = [n for n in names if n.removeprefix("bench_") in selected or n in selected]
    for name in names:
        started = time.perf_counter()
        print(f"== {name}", flush=True)
        importlib.import_module(f"benchmarks.{name}").run()
        print(f"   ({time.perf_counter() - started:.1f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
