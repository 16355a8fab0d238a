"""Markdown tables from bench/results/mipp/runs.jsonl (written by run-mipp.sh)."""
import json
import pathlib
import sys

raw = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parents[1] / "results/mipp/runs.jsonl")
runs = {r["name"]: r for r in map(json.loads, raw.read_text().splitlines())}


def pct(v):
    return "—" if v is None else f"{100 * v:.1f}%"


def widths(r):
    return ", ".join(f"{a}→{b}" for a, b in r.get("widths", {}).values())


print("### Planning time against one fine-tuning epoch\n")
print("| model | plan (s) | one epoch (s) | plan / epoch | MACs kept | accuracy after 1 epoch | widths |")
print("|---|---:|---:|---:|---:|---:|---|")
for model in ["lenet5", "resnet20"]:
    r = runs.get(f"timing-{model}-mipp-auto")
    if not r or "plan_s" not in r:
        continue
    ratio = r["plan_s"] / r["epoch_s"] if r.get("epoch_s") else None
    print(f"| {model} | {r['plan_s']:.1f} | {r['epoch_s']:.1f} | {ratio:.2f} | {pct(r['macs_kept'])} | {pct(r['accuracy_after'])} | {widths(r)} |")

print("\n### lenet5: parameter sparsity → accuracy (2 epochs)\n")
print("| sparsity asked | method | params kept | accuracy | widths (conv1, conv2, fc1, fc2) |")
print("|---:|---|---:|---:|---|")
for keep in ["0.2", "0.1", "0.05", "0.02"]:
    for method in ["l1", "mipp"]:
        r = runs.get(f"curve-lenet5-{method}-params-{keep}")
        if not r or "accuracy_after" not in r:
            continue
        print(f"| {100 * (1 - float(keep)):.0f}% | {method} | {pct(r['params_kept'])} | {pct(r['accuracy_after'])} | {widths(r)} |")

print("\n### ~25% MACs (2 epochs)\n")
print("| model | method | MACs kept | accuracy | plan (s) |")
print("|---|---|---:|---:|---:|")
for model in ["lenet5", "resnet20", "resnet20_bn"]:
    for method in ["l1", "mipp"]:
        r = runs.get(f"macs-{model}-{method}-0.25")
        if not r or "accuracy_after" not in r:
            continue
        print(f"| {model} | {method} | {pct(r['macs_kept'])} | {pct(r['accuracy_after'])} | {r['plan_s']:.1f} |")
