#!/usr/bin/env python3
"""socapi side by side with the Python peers and bare libcurl, from one run of
the bench-peers kit (results/<case>.<run>.json and .time, as run_all.sh writes
them). Medians over the runs; peak RSS is the largest of the runs.

Usage: peers_table.py RESULTS_DIR
"""
import glob
import json
import os
import re
import statistics
import sys

N1000_BYTES = 597522  # the kit's mailru_n1000.json


def load(results):
    """{case: [(json line, peak RSS in KiB or None), ...]} over the runs."""
    cases = {}
    for path in sorted(glob.glob(os.path.join(results, "*.json"))):
        match = re.match(r"(.+)\.(\d+)\.json$", os.path.basename(path))
        text = open(path, encoding="utf-8").read().strip()
        if not match or not text:
            continue
        rss = None
        time_file = path[:-len(".json")] + ".time"
        if os.path.exists(time_file):
            found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(time_file).read())
            rss = int(found.group(1)) if found else None
        cases.setdefault(match.group(1), []).append((json.loads(text), rss))
    return cases


class Results:
    def __init__(self, cases):
        self.cases = cases

    def runs(self, case):
        return self.cases.get(case, [])

    def rate(self, case):
        """Median calls a second, None when the case did not run or failed."""
        runs = [line for line, _ in self.runs(case) if not line.get("failures")]
        return statistics.median(line["calls_per_s"] for line in runs) if runs else None

    def rss_mib(self, case):
        values = [rss for _, rss in self.runs(case) if rss]
        return max(values) / 1024 if values else None

    def field(self, case, name):
        values = [line[name] for line, _ in self.runs(case) if name in line]
        return statistics.median(values) if values else None

    def json_loads_mbs(self):
        """Python's json.loads(bytes) on the n1000 body, MB/s (the kit's json-n1000 case)."""
        values = [x for line, _ in self.runs("json-n1000") for x in line["loads(bytes)"]["runs_MB_per_s"]]
        return statistics.median(values) if values else None


def number(value, digits=0):
    return "–" if value is None else f"{value:,.{digits}f}"


def ratio(a, b):
    return None if a is None or not b else a / b


def verdict(value, target, at_most=False):
    if value is None:
        return "not measured"
    if value <= target if at_most else value >= target:
        return "met"
    return f"missed: {value / target:.2f}× the {'limit' if at_most else 'target'}"


def best_peer(r, cases):
    rated = [(r.rate(c), c) for c in cases if r.rate(c) is not None]
    return max(rated) if rated else (None, None)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    r = Results(load(sys.argv[1]))
    runs = max((len(v) for v in r.cases.values()), default=0)
    print(f"socapi beside the peers: {runs} interleaved run(s), medians; client on CPU 0, nginx on CPU 1")
    print()
    print("| measure | socapi | best Python peer | bare libcurl | socapi / peer | socapi / bare | target |")
    print("|---|---|---|---|---|---|---|")

    rows = [
        ("sequential calls, tiny answer, calls/s", "socapi-tiny-seq",
         ["aiomailru-tiny-seq", "aiookru-tiny-seq", "vk-tiny-seq"], "bare-tiny-seq", "bare", 0.9),
        ("64 in flight, tiny answer, calls/s", "socapi-tiny-batch",
         ["aiomailru-tiny-gather", "aiookru-tiny-gather"], "bare-tiny-multi", "bare", 0.7),
        ("sequential calls, 597 KB answer, calls/s", "socapi-n1000-seq",
         ["aiomailru-n1000-seq", "aiookru-n1000-seq", "vk-n1000-seq"], "bare-n1000-seq", "peer", 4.0),
        ("64 in flight, 597 KB answer, calls/s", "socapi-n1000-batch",
         ["aiomailru-n1000-gather", "aiookru-n1000-gather"], "bare-n1000-multi", None, None),
    ]
    checks = []
    for label, mine, peers, bare, against, target in rows:
        ours = r.rate(mine)
        peer_rate, peer = best_peer(r, peers)
        bare_rate = r.rate(bare)
        to_peer, to_bare = ratio(ours, peer_rate), ratio(ours, bare_rate)
        goal = f"≥ {target:g}× {against}" if target else "–"
        print(f"| {label} | **{number(ours)}** | {number(peer_rate)} ({peer or '–'}) | {number(bare_rate)} "
              f"| {number(to_peer, 2)}× | {number(to_bare, 2)}× | {goal} |")
        if target:
            checks.append((label, to_bare if against == "bare" else to_peer, target, False, against))
    # the second tiny in-flight target: 10x aiomailru's gather
    gather = ratio(r.rate("socapi-tiny-batch"), r.rate("aiomailru-tiny-gather"))
    checks.append(("64 in flight, tiny answer, vs aiomailru's gather", gather, 10.0, False, "aiomailru"))

    decode = r.rate("socapi-n1000-decode")
    decode_mbs = decode * N1000_BYTES / 1e6 if decode else None
    loads = r.json_loads_mbs()
    print(f"| typed decode of the 597 KB answer, MB/s | **{number(decode_mbs)}** | {number(loads)} "
          f"(json.loads) | – | {number(ratio(decode_mbs, loads), 2)}× | – | ≥ 600 MB/s and ≥ 3× json.loads |")
    checks.append(("typed decode, MB/s", decode_mbs, 600.0, False, "MB/s"))
    checks.append(("typed decode vs json.loads", ratio(decode_mbs, loads), 3.0, False, "json.loads"))

    rss = r.rss_mib("socapi-n1000-batch")
    peer_rss = [(r.rss_mib(c), c) for c in ("aiomailru-n1000-gather", "aiookru-n1000-gather")
                if r.rss_mib(c) is not None]
    least = min(peer_rss) if peer_rss else (None, None)
    print(f"| peak RSS, 64 big answers in flight, MiB | **{number(rss, 1)}** | {number(least[0], 1)} "
          f"({least[1] or '–'}) | – | – | – | ≤ 100 MiB |")
    checks.append(("peak RSS, 64 big answers in flight, MiB", rss, 100.0, True, "MiB"))

    print()
    print("Reference: bare libcurl POSTing socapi's kind of form, tiny answer, sequential: "
          f"{number(r.rate('bare-tiny-seq-post'))} calls/s (the kit's bare loop GETs).")
    connections = [(case, r.field(case, "connections")) for case in
                   ("socapi-tiny-batch", "socapi-n1000-batch", "socapi-tiny-seq", "socapi-n1000-seq")]
    print("New TCP connections nginx accepted during socapi's timed part (median of the runs): " +
          ", ".join(f"{case} {number(n)}" for case, n in connections) + ".")
    print()
    print("| target | value | |")
    print("|---|---|---|")
    for label, value, target, at_most, unit in checks:
        shown = number(value, 2 if value is not None and value < 20 else 0)
        bound = f"{'≤' if at_most else '≥'} {target:g}" + ("" if unit in ("MB/s", "MiB") else "×")
        print(f"| {label} ({bound}) | {shown} | {verdict(value, target, at_most)} |")


if __name__ == "__main__":
    main()
