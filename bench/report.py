#!/usr/bin/python3
"""Tables from the JSON lines of bench/run-training.sh; writes them all to one JSON file.

Throughput is taken at the median step (or run): on a shared machine a burst of someone else's
load hits a few steps hard, and the median ignores it where the mean would not.
"""
import json
import sys
from collections import defaultdict


def main(raw_path, out_path):
    lines = [json.loads(line) for line in open(raw_path) if line.strip()]
    training = [d for d in lines if d["bench"] == "training"]
    eval_parts = defaultdict(dict)
    for d in (d for d in lines if d["bench"] == "eval"):
        merged = eval_parts[(d["run"], d["model"], d["batch"])]
        merged.update({k: v for k, v in d.items() if k != "side"})
    evaluations = []
    for merged in eval_parts.values():
        if "infoprune" in merged and "ort" in merged:
            merged["ratio_median_run"] = round(merged["infoprune"]["images_per_s_median_run"] / merged["ort"]["images_per_s_median_run"], 3)
        evaluations.append(merged)

    print("\nTraining throughput, images/s at the median step (batch %s, %s threads; SGD momentum 0.9, cross-entropy)"
          % (training[0]["batch"], training[0]["threads"]) if training else "")
    print(f"{'model':<12} {'run':>3} {'InfoPrune':>10} {'PyTorch':>10} {'ratio':>6} {'ratio(mean)':>11} {'TorchSharp':>11} {'IP/TS':>6}")
    for d in training:
        ip, pt = d["infoprune"]["images_per_s_median_step"], d["pytorch"]["images_per_s_median_step"]
        ts = d.get("torchsharp", {}).get("images_per_s_median_step", float("nan"))
        print(f"{d['model']:<12} {d['run']:>3} {ip:>10.0f} {pt:>10.0f} {d['ratio_median_step']:>6.2f} {d['ratio']:>11.2f} "
              f"{ts:>11.0f} {d.get('ratio_to_torchsharp_median_step', float('nan')):>6.2f}")
    print("  ratio = InfoPrune / PyTorch (target >= 1.0); TorchSharp = the same net hand-written in TorchSharp, same process")

    print("\nEval throughput, images/s at the median run (executor no_grad vs ONNX Runtime, separate processes)")
    print(f"{'model':<12} {'batch':>5} {'run':>3} {'executor':>10} {'ORT':>10} {'ratio':>6}")
    for d in sorted(evaluations, key=lambda d: (d["model"], d["batch"], d["run"])):
        if "ratio_median_run" in d:
            print(f"{d['model']:<12} {d['batch']:>5} {d['run']:>3} {d['infoprune']['images_per_s_median_run']:>10.0f} "
                  f"{d['ort']['images_per_s_median_run']:>10.0f} {d['ratio_median_run']:>6.2f}")

    with open(out_path, "w") as f:
        json.dump({"training": training, "eval": evaluations}, f, indent=1)
    print(f"\nwrote {out_path}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
