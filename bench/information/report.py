#!/usr/bin/env python3
"""Markdown tables from bench/information results (JSON lines written by run.py).

  report.py RESULTS.jsonl [--epochs 2] [--seed 42] [--widths]

One row per model and MACs target, one column per method spec (in first-seen order): accuracy after
fine-tuning in percent, the best per row in bold, and the MACs kept when it differs from the target
by more than one point. --widths adds each run's kept widths per layer.
"""
import argparse, json
from collections import OrderedDict


def main():
    p = argparse.ArgumentParser()
    p.add_argument("results")
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--widths", action="store_true")
    p.add_argument("--methods", help="space-separated method specs to show, in this order")
    a = p.parse_args()
    runs = [json.loads(l) for l in open(a.results) if l.strip()]
    # One seed, MACs targets: the table run.sh regenerates (seeds.py summarises several seeds).
    runs = [r for r in runs if r["epochs"] == a.epochs and r.get("kind", "macs") == "macs" and r.get("seed", 42) == a.seed]
    methods = a.methods.split() if a.methods else list(OrderedDict.fromkeys(r["method"] for r in runs))
    rows = OrderedDict()
    for r in runs:
        rows.setdefault((r["model"], r["target"]), {})[r["method"]] = r
    print("| model | MACs target | " + " | ".join(methods) + " |")
    print("|---|---|" + "---|" * len(methods))
    for (model, target), byMethod in rows.items():
        best = max((byMethod[m]["after"] for m in methods if m in byMethod), default=None)
        cells = []
        for m in methods:
            r = byMethod.get(m)
            if r is None:
                cells.append("—")
                continue
            text = f"{100 * r['after']:.2f}"
            if r["after"] == best:
                text = f"**{text}**"
            if abs(r["macs"] - target) > 0.01:
                text += f" ({100 * r['macs']:.0f}%)"
            cells.append(text)
        print(f"| {model} | {100 * target:.0f}% | " + " | ".join(cells) + " |")
    if a.widths:
        print()
        print("| model | MACs target | method | kept / size per layer |")
        print("|---|---|---|---|")
        for (model, target), byMethod in rows.items():
            for m in methods:
                if m in byMethod:
                    w = byMethod[m]["widths"]
                    print(f"| {model} | {100 * target:.0f}% | {m} | " + ", ".join(f"{k}/{v}" for k, v in w.values()) + " |")


if __name__ == "__main__":
    main()
