"""Markdown tables from bench/ib-gates/results/runs.jsonl (see run.sh)."""
import json
import sys

runs = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
by_name = {r["name"]: r for r in runs}

print("## ib-gates on resnet20 (Fashion-MNIST, 10k test set)\n")
print("| run | export | MACs kept | epochs (gates + fine-tune) | accuracy | original | gate training s | fine-tune s | threshold | load |")
print("|---|---|---:|---|---:|---:|---:|---:|---:|---|")
for r in runs:
    if r["name"] == "gate-cost":
        continue
    if r.get("exit") != 0 or "accuracy_after" not in r:
        print(f"| {r['name']} | {r['model']} | — | — | failed (exit {r.get('exit')}) | | | | | |")
        continue
    epochs = f"{r['gate_epochs']} + {r['fine_tune_epochs']}"
    threshold = f"{r['threshold']:.3g}" if r.get("threshold") is not None else "—"
    print(f"| {r['name']} | {r['model']} | {r['macs_kept']:.2%} | {epochs} | {r['accuracy_after']:.2%} | {r['accuracy_before']:.2%} | "
          f"{r.get('gate_training_s', 0):.0f} | {r.get('fine_tune_s', 0):.0f} | {threshold} | {r['load_start']:.1f}–{r['load_end']:.1f} |")

for r in runs:
    if r["name"] != "gate-cost":
        continue
    print(f"\n**Gate training cost** ({r['model']}, batch {r['batch']}, {r['rounds']} rounds of {r['stepsPerRound']} steps, alternating):"
          f" plain {', '.join(f'{s*1000:.0f}' for s in r['plainSecondsPerStep'])} ms/step,"
          f" gated {', '.join(f'{s*1000:.0f}' for s in r['gatedSecondsPerStep'])} ms/step; median ratio {r['medianRatio']:.2f}× (load {r['load']}).")

widths = [r for r in runs if r.get("widths") and r["method"] == "ib-gates"]
if widths:
    print("\n### Channels kept per group (before → after)\n")
    names = list(widths[0]["widths"].keys())
    print("| group | " + " | ".join(r["name"] for r in widths) + " |")
    print("|---|" + "---:|" * len(widths))
    for n in names:
        print(f"| {n} | " + " | ".join(f"{r['widths'].get(n, ['—', '—'])[0]} → {r['widths'].get(n, ['—', '—'])[1]}" for r in widths) + " |")
