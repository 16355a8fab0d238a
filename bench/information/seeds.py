#!/usr/bin/env python3
"""Several fine-tuning seeds side by side, from bench/information results (JSON lines of run.py).

  seeds.py RESULTS.jsonl... [--epochs 2] [--kind macs] [--baseline l1] [--also l1@uniform]

One row per model, target and method spec: the accuracy of every seed, their mean and range,
and the mean difference to the baseline (and to --also) over the seeds both have, in points.
"""
import argparse, json, statistics
from collections import OrderedDict


def main():
    p = argparse.ArgumentParser()
    p.add_argument("results", nargs="+")
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--kind", default="macs")
    p.add_argument("--baseline", default="l1")
    p.add_argument("--also", default="l1@uniform")
    a = p.parse_args()
    runs = OrderedDict()
    seeds = []
    for path in a.results:
        for line in open(path):
            if not line.strip():
                continue
            r = json.loads(line)
            if r["epochs"] != a.epochs or r.get("kind", "macs") != a.kind:
                continue
            runs.setdefault((r["model"], r["target"]), OrderedDict()).setdefault(r["method"], {})[r.get("seed", 42)] = 100 * r["after"]
            if r.get("seed", 42) not in seeds:
                seeds.append(r.get("seed", 42))

    def delta(mine, base):
        common = [s for s in mine if s in base]
        return f"{statistics.mean(mine[s] - base[s] for s in common):+.2f}" if common else ""

    print(f"| model | {a.kind} | method | " + " | ".join(f"seed {s}" for s in seeds)
          + f" | mean | range | Δ {a.baseline} | Δ {a.also} |")
    print("|---|---|---|" + "---|" * (len(seeds) + 4))
    models = list(OrderedDict.fromkeys(model for model, _ in runs))
    for (model, target), methods in sorted(runs.items(), key=lambda kv: (models.index(kv[0][0]), -kv[0][1])):
        base, also = methods.get(a.baseline, {}), methods.get(a.also, {})
        for method, bySeed in methods.items():
            values = list(bySeed.values())
            cells = [f"{bySeed[s]:.2f}" if s in bySeed else "" for s in seeds]
            print(f"| {model} | {100 * target:.0f}% | {method} | " + " | ".join(cells)
                  + f" | {statistics.mean(values):.2f} | {max(values) - min(values):.2f} | {delta(bySeed, base)} | {delta(bySeed, also)} |")


if __name__ == "__main__":
    main()
