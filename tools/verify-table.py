#!/usr/bin/env python3
"""Regenerates README's verify table: every built-in scenario under `stressvm verify` (DPOR) and `verify --naive`.

Usage: tools/verify-table.py [--stressvm PATH] [--baseline PATH] [--dpor-seconds 12] [--naive-seconds 4]
                               [--max-classes 20000] [scenario ...]

Per scenario it runs DPOR, then (with --baseline) the same command on another build, then naive enumeration, one
after the other, and prints one Markdown row each. Swarm scenarios are skipped (verify refuses them: exit 2).
Figures are wall-clock seconds of this machine: say how loaded it was when you publish them.
"""
import argparse
import json
import subprocess
import sys


def verify(stressvm, scenario, extra):
    p = subprocess.run([stressvm, "verify", scenario, "--json", "--save-schedule", "/tmp/stressvm-verify-table"] + extra,
                       capture_output=True, text=True)
    if p.returncode == 2:
        return None
    try:
        return json.loads(p.stdout)
    except json.JSONDecodeError:
        sys.exit(f"{scenario}: exit {p.returncode}, no JSON: {p.stderr.strip()[:300]}")


def found(d):
    return "; ".join(f"{v['invariant']}@{v['firstSchedule']}" for v in d["violations"]) or "-"


def exhaustive(d):
    return "yes" if d["exhaustive"] else f"no ({', '.join(d['stoppedBy'])})"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--stressvm", default="cli/bin/Release/net10.0/stressvm")
    ap.add_argument("--baseline", help="another stressvm build to run the same DPOR search with (a before column)")
    ap.add_argument("--dpor-seconds", default="12")
    ap.add_argument("--naive-seconds", default="4")
    ap.add_argument("--max-classes", default="20000")
    ap.add_argument("scenarios", nargs="*")
    a = ap.parse_args()
    names = a.scenarios or [s["name"] for s in json.loads(subprocess.run([a.stressvm, "list", "--json"], capture_output=True, text=True, check=True).stdout)]
    dpor_args = ["--max-classes", a.max_classes, "--max-seconds", a.dpor_seconds]
    head = "| scenario | expect | DPOR classes | schedules | s | exhaustive | found (invariant @ schedule) | exit |"
    if a.baseline:
        head += " before: classes | s | exhaustive | found |"
    head += " naive schedules | s | naive exhaustive | naive found |"
    print(head)
    print("|---" * (head.count("|") - 1) + "|")
    for name in names:
        d = verify(a.stressvm, name, dpor_args)
        if d is None:
            continue  # a swarm scenario
        row = f"| {name} | {d['expect']} | {d['classes']:,} | {d['schedules']:,} | {d['seconds']:.1f} | {exhaustive(d)} | {found(d)} | {d['exitCode']} |"
        if a.baseline:
            b = verify(a.baseline, name, dpor_args)
            row += " n/a | | | |" if b is None else f" {b['classes']:,} | {b['seconds']:.1f} | {exhaustive(b)} | {found(b)} |"  # n/a: not in that build
        n = verify(a.stressvm, name, ["--naive", "--max-seconds", a.naive_seconds])
        row += f" {n['schedules']:,} | {n['seconds']:.1f} | {exhaustive(n)} | {found(n)} |"
        print(row, flush=True)


if __name__ == "__main__":
    main()
