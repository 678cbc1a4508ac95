"""EDT_STS of the benchmark lycée: our read (parse, check, build the models) and write, against bare lxml.

Run ``.venv/bin/python -m bench.bench_edt_sts``. Each figure is the best of ``--repeat`` runs in this
process, so that both sides of a ratio meet the same machine state. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from lxml import etree

from services.common.demo import large_lycee
from services.common.formats.edt_sts import check_edt_sts, write_edt_sts


def best_of(repeat: int, run: Callable[[], object]) -> float:
    """The shortest wall time of ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    model = large_lycee(2024, args.seed).edt_sts
    data = write_edt_sts(model)
    checked = check_edt_sts(data, filename="emp_sts.xml")
    assert checked.problems == []
    assert checked.model == model
    tree = etree.fromstring(data)
    courses = data.count(b"<COURS>")
    megabytes = len(data) / 1e6

    bare_parse = best_of(args.repeat, lambda: etree.fromstring(data))
    our_read = best_of(args.repeat, lambda: check_edt_sts(data, filename="emp_sts.xml"))
    bare_write = best_of(args.repeat, lambda: etree.tostring(tree, encoding="ISO-8859-15"))
    our_write = best_of(args.repeat, lambda: write_edt_sts(model))

    print(f"EDT_STS of the benchmark lycée: {megabytes:.2f} MB, {courses} COURS, best of {args.repeat}\n")
    print("| step | time | throughput | ratio to bare lxml |")
    print("|---|---|---|---|")
    print(f"| bare `etree.fromstring` | {bare_parse * 1e3:.1f} ms | {megabytes / bare_parse:.0f} MB/s | 1 |")
    print(
        f"| `check_edt_sts` (parse, check, models) | {our_read * 1e3:.1f} ms "
        f"| {megabytes / our_read:.1f} MB/s | {our_read / bare_parse:.1f}× |"
    )
    print(f"| bare `etree.tostring` | {bare_write * 1e3:.1f} ms | {megabytes / bare_write:.0f} MB/s | 1 |")
    print(
        f"| `write_edt_sts` (validate, build, serialise) | {our_write * 1e3:.1f} ms "
        f"| {megabytes / our_write:.1f} MB/s | {our_write / bare_write:.1f}× |"
    )


if __name__ == "__main__":
    main()
