#!/usr/bin/python3
"""Tables of bench/results/unseen-bn: the folded-against-BN gap (runs.jsonl, bench/run-unseen-bn.sh)
and the methods on the unseen nets (methods.jsonl, bench/unseen/run-methods.sh), as markdown.

    /usr/bin/python3 bench/unseen/summarize.py [RESULTS_DIR]
"""
import json
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
results = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "results", "unseen-bn")


def rows(name):
    path = os.path.join(results, name)
    return [json.loads(line) for line in open(path) if line.strip()] if os.path.exists(path) else []


def gap_table(runs):
    print("| net | method | MACs target | folded: MACs kept, before → after, wall | BN export: MACs kept, before → after, wall | folded − BN (points) | within 0.3 |")
    print("|---|---|---|---|---|---|---|")
    keys = sorted({(r["net"], r["method"], r["budget"]) for r in runs}, key=lambda k: (-k[2], k[1], k[0]))
    for net, method, budget in keys:
        pick = lambda export: next((r for r in runs if (r["net"], r["method"], r["budget"], r["export"]) == (net, method, budget, export)), None)
        folded, bn = pick("folded"), pick("bn")

        def cell(r):
            if r is None:
                return "not run"
            if "after" not in r:
                return f'failed (exit {r["exit"]})'
            return f'{100 * r["macs_kept"]:.1f}%, {100 * r["before"]:.2f} → {100 * r["after"]:.2f}, {r["wall_s"]:.0f} s'

        ok = folded and bn and "after" in folded and "after" in bn
        gap = 100 * (folded["after"] - bn["after"]) if ok else None
        print(f"| {net} | {method} | {budget} | {cell(folded)} | {cell(bn)} | "
              f"{'—' if gap is None else f'{gap:+.2f}'} | {'—' if gap is None else ('yes' if gap >= -0.3 else 'no')} |")


def parity(name):
    """The pipeline's largest |ORT − TorchSharp| logit difference on the pruned model, from the kept report."""
    try:
        return f'{json.load(open(os.path.join(results, "methods", name + ".report.json")))["parityMaxAbsDifference"]:.1e}'
    except (OSError, KeyError, TypeError, ValueError):
        return "—"


def methods_table(runs):
    print("| net | run | exit | MACs kept | params kept | accuracy before → after (fine-tune epochs) | ONNX Runtime accuracy | ORT−torch max diff | wall | groups not pruned (why) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in sorted(runs, key=lambda r: (r["net"], r["run"])):
        if "after" not in r:
            print(f'| {r["net"]} | {r["run"]} | {r["exit"]} | failed | | | | | {r["wall_s"]:.0f} s | |')
            continue
        ort = f'{100 * r["ort_accuracy"]:.2f}' if "ort_accuracy" in r else f'failed (exit {r["ort_exit"]})'
        refused = "; ".join(f'{g["name"]}: {g["why"]}' for g in r["groups_refused"])
        print(f'| {r["net"]} | {r["run"]} | {r["exit"]} | {100 * r["macs_kept"]:.1f}% | {100 * r["params_kept"]:.1f}% | '
              f'{100 * r["before"]:.2f} → {100 * r["after"]:.2f} ({r["fine_tune_epochs"]}) | {ort} | {parity(r["name"])} | {r["wall_s"]:.0f} s | {refused} |')


if __name__ == "__main__":
    print("### Folded export against BN export (l1, 2 epochs)\n")
    gap_table(rows("runs.jsonl"))
    print("\n### Methods on the folded unseen nets\n")
    methods_table(rows("methods.jsonl"))
