"""CPython side of bench/similarity.ts: times difflib.SequenceMatcher.ratio on the same pairs.

Usage: python3 bench/similarity.py <workloads.json> <repeats>
Input: [{"name", "autojunk", "pairs": [[model, expert], ...]}, ...] (pairs come in groups sharing one expert).
Output (stdout, JSON): per workload the best time over the repeats of
  - "fresh": SequenceMatcher(None, model, expert, autojunk).ratio() per pair (what a plain reward function does),
  - "reuse": one SequenceMatcher per expert, set_seq1(model) per rollout (difflib caches b's index),
and the ratios as repr() strings, which the TypeScript side compares bit for bit.
"""
import json
import sys
import time
from difflib import SequenceMatcher


def fresh(pairs, autojunk):
    return [SequenceMatcher(None, a, b, autojunk=autojunk).ratio() for a, b in pairs]


def reuse(pairs, autojunk):
    out = []
    sm = None
    expert = None
    for a, b in pairs:
        if b is not expert:
            expert = b
            sm = SequenceMatcher(None, "", b, autojunk=autojunk)
        sm.set_seq1(a)
        out.append(sm.ratio())
    return out


def best_time(fn, pairs, autojunk, repeats):
    best = float("inf")
    result = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn(pairs, autojunk)
        best = min(best, time.perf_counter() - t0)
    return best, result


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        workloads = json.load(f)
    repeats = int(sys.argv[2])
    report = {"python": sys.version.split()[0], "workloads": []}
    for w in workloads:
        # Keep each expert a single object so reuse() sees the group boundaries.
        experts = {}
        pairs = [(a, experts.setdefault(b, b)) for a, b in w["pairs"]]
        t_fresh, ratios = best_time(fresh, pairs, w["autojunk"], repeats)
        t_reuse, ratios_reuse = best_time(reuse, pairs, w["autojunk"], repeats)
        if ratios != ratios_reuse:
            raise SystemExit(f"{w['name']}: set_seq1 reuse changed a ratio")
        report["workloads"].append(
            {"name": w["name"], "fresh": t_fresh, "reuse": t_reuse, "ratios": [repr(r) for r in ratios]}
        )
    json.dump(report, sys.stdout)


if __name__ == "__main__":
    main()
