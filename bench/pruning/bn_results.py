#!/usr/bin/python3
"""Records and table of bench/run-bn-pruning.sh.

    bn_results.py record RAW.jsonl key=value... --log LOG [--report REPORT.json]
        appends one JSON record: the run's labels (budget, side, method, batchNorm/variant, wall
        time, load) merged with the figures of the side (InfoPrune's report, or the last JSON line
        prune_bn.py printed)
    bn_results.py table RAW.jsonl OUT.json THREADS
        prints the markdown tables and writes every run to OUT.json
"""
import json
import platform
import sys

# The accuracies issue 9 asks of the folded resnet20 (best of l1 and the information methods).
TARGETS = {0.475: 0.916, 0.252: 0.901, 0.076: 0.869}


def record(raw, pairs, log, report):
    rec = {}
    for pair in pairs:
        key, _, value = pair.partition("=")
        try:
            rec[key] = json.loads(value)
        except json.JSONDecodeError:
            rec[key] = value
    if rec["side"] == "pytorch":
        lines = [line for line in open(log) if line.startswith("{")]
        if lines:
            d = json.loads(lines[-1])
            rec.update(inner_s=d["seconds"], steps=d["phases"], macs_before=d["macs_before"], macs_after=d["macs_after"],
                       accuracy_before=d["accuracy_before"], accuracy_after=d["accuracy_after"], epoch_loss=d["epoch_loss"],
                       checks=d["checks"], check_s=d["check_seconds"], widths_from=d["widths_from"],
                       own_ranking_matches=d["own_ranking_matches"], own_widths=d["own_widths"],
                       groups={k: v[1] for k, v in d["groups"].items()})
    else:
        try:
            r = json.load(open(report))
        except (OSError, ValueError):
            r = None
        if r:
            steps = {s["step"]: s["seconds"] for s in r["steps"]}
            fine = r.get("fineTune") or {}
            rec.update(inner_s=round(sum(steps.values()), 3), steps=steps,
                       macs_before=r["before"]["macs"], macs_after=r["after"]["macs"],
                       accuracy_before=r["before"]["accuracy"], accuracy_after=r["after"]["accuracy"],
                       epoch_loss=fine.get("epochLoss", []), images_per_s=fine.get("imagesPerSecond"),
                       batch_norm_layers=len(r.get("batchNormLayers", [])), parity=r.get("parityMaxAbsDifference"),
                       warnings=r.get("warnings", []),
                       groups={g["name"]: g["channelsAfter"] for g in r["groups"] if g["prunable"]})
    with open(raw, "a") as f:
        f.write(json.dumps(rec) + "\n")
    kept = rec["macs_after"] / rec["macs_before"] if "macs_after" in rec else float("nan")
    print(f"  {rec['side']:9} {rec.get('method', ''):18} {rec.get('mode', ''):15} {rec['wall_s']:8.1f} s"
          f"  MACs {kept:.4f}  accuracy {rec.get('accuracy_after', float('nan')):.4f}"
          f"  loss {rec.get('epoch_loss', [])}  load {rec['load_start']}->{rec['load_end']}  exit {rec['exit']}",
          file=sys.stderr, flush=True)


def pct(x):
    return f"{100 * x:.2f}%" if x is not None else "—"


def table(raw, out, threads):
    runs = [json.loads(line) for line in open(raw) if line.strip()]
    ok = [r for r in runs if r["exit"] == 0 and "accuracy_after" in r]
    original = next((r["accuracy_before"] for r in ok if r["side"] == "infoprune"), None)
    print(f"resnet20 on Fashion-MNIST (10k test), 2-core machine, {threads} threads; original accuracy {pct(original)}")
    print()
    print("| MACs budget | side | method | fine-tuned as | MACs kept | accuracy | vs target | wall s | fine-tune s | epoch loss |")
    print("|---|---|---|---|---:|---:|---:|---:|---:|---|")
    summary = []
    for r in ok:
        # Wall time of the pipeline: prune_bn.py's check of the cut (two extra evaluations) is not part of it.
        r["pipeline_s"] = round(r["wall_s"] - r.get("check_s", 0.0), 3)
        budget = r["budget"]
        target = TARGETS.get(budget)
        kept = r["macs_after"] / r["macs_before"]
        fine = r["steps"].get("fine-tune")
        side = "InfoPrune (folded ONNX)" if r["side"] == "infoprune" else "PyTorch (own code)"
        gap = f"{100 * (r['accuracy_after'] - target):+.2f} pts" if target else "—"
        print(f"| ≤ {100 * budget:.1f}% | {side} | {r['method']} | {r['mode']} | {100 * kept:.2f}% | {pct(r['accuracy_after'])} | {gap}"
              f" | {r['pipeline_s']:.0f} | {fine or 0:.0f} | {', '.join(f'{x:.3f}' for x in r['epoch_loss'])} |")
        summary.append({"budget": budget, "side": r["side"], "method": r["method"], "mode": r["mode"], "macs_kept": kept,
                        "accuracy": r["accuracy_after"], "target": target, "pipeline_s": r["pipeline_s"]})
    # InfoPrune against the BN module at each budget, same widths.
    print()
    print("| MACs budget | InfoPrune l1 (auto) | PyTorch on the BN module | difference | wall s InfoPrune / PyTorch |")
    print("|---|---:|---:|---:|---:|")
    for budget in dict.fromkeys(r["budget"] for r in ok):
        ip = next((r for r in ok if r["budget"] == budget and r["side"] == "infoprune" and r["method"] == "l1" and r["mode"] == "auto"), None)
        pt = next((r for r in ok if r["budget"] == budget and r["side"] == "pytorch" and r["mode"] == "bn-module"), None)
        if ip and pt:
            plans = ip["groups"] and sorted(ip["groups"].values()) == sorted(pt["groups"].values())
            print(f"| ≤ {100 * budget:.1f}% | {pct(ip['accuracy_after'])} | {pct(pt['accuracy_after'])}"
                  f" | {100 * (ip['accuracy_after'] - pt['accuracy_after']):+.2f} pts{'' if plans else ' (widths differ!)'}"
                  f" | {ip['pipeline_s']:.0f} / {pt['pipeline_s']:.0f} = {ip['pipeline_s'] / pt['pipeline_s']:.2f} |")
    failed = [r for r in runs if r not in ok]
    for r in failed:
        print(f"FAILED: {r['side']} {r.get('method')} {r.get('mode')} at {r['budget']} (exit {r['exit']})")
    json.dump({"bench": "bn-pruning", "model": "resnet20", "threads": threads, "host": platform.node(),
               "targets": {str(k): v for k, v in TARGETS.items()}, "original_accuracy": original,
               "torch_side": "bench/pruning/prune_bn.py", "summary": summary, "runs": runs}, open(out, "w"), indent=1)
    print(f"\nwrote {out}", file=sys.stderr)


def main():
    if sys.argv[1] == "record":
        args = sys.argv[2:]
        log = args[args.index("--log") + 1]
        report = args[args.index("--report") + 1] if "--report" in args else None
        pairs = [a for i, a in enumerate(args[1:], 1) if "=" in a and args[i - 1] not in ("--log", "--report")]
        record(args[0], pairs, log, report)
    elif sys.argv[1] == "table":
        table(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
