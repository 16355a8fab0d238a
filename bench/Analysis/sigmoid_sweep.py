"""Checks the neuron-importance paper's sigmoid-MLP claims on Fashion-MNIST over many nets, not one.

For every training recipe × seed it
  1. trains a 784-100-100-10 sigmoid MLP (train_sigmoid_mlp.py; weights also saved as .npz),
  2. runs `infoprune analyze` (5,000 calibration + 5,000 evaluation test images, 5 random orders),
  3. replays the analysis in numpy (crosscheck_analyze.py) — the figures only count if they agree,
  4. runs `infoprune prune` at 50% of every hidden layer without fine-tuning, with
     mutual-information, hybrid, l1 and random (5 policy seeds),
and writes one table (markdown) plus every figure (JSON).

The paper's claims checked per layer (Section 5.3, Fig. 1 and 4; bias balancing throughout):
  - ablating low-MI units first costs less accuracy than ablating at random,
  - bias balancing helps a sigmoid net.
A layer's "MI vs random" is the mean accuracy over the ablation curve, MI low→high minus the mean of
the random orders, in points; "0–50%" restricts it to the first half of the curve (the range a
pruning tool uses).

Usage: /usr/bin/python3 sigmoid_sweep.py TOOL.dll OUT_DIR [SEEDS]   (run-sigmoid-sweep.sh does it)
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = "/usr/share/datasets/fashion-mnist"
TEST = (f"{DATA}/t10k-images-idx3-ubyte.gz", f"{DATA}/t10k-labels-idx1-ubyte.gz")
TRAIN = (f"{DATA}/train-images-idx3-ubyte.gz", f"{DATA}/train-labels-idx1-ubyte.gz")

# name → arguments of train_sigmoid_mlp.py. Every recipe uses the paper's Adam(0.001), batch 32 and
# 50,000 training images; they differ in what the paper leaves open: L2 strength, initialisation
# and how long to train.
RECIPES = {
    "torch-init, no L2, 10 epochs": ["--l2", "0", "--weight-decay", "0", "--epochs", "10"],
    "torch-init, L2 1e-4, 10 epochs": ["--l2", "1e-4", "--weight-decay", "0", "--epochs", "10"],
    "keras-init, L2 1e-4, 10 epochs": ["--init", "keras", "--l2", "1e-4", "--weight-decay", "0", "--epochs", "10"],
    "keras-init, L2 1e-4, 40 epochs": ["--init", "keras", "--l2", "1e-4", "--weight-decay", "0", "--epochs", "40"],
    "torch-init, L2 1e-4, 40 epochs": ["--l2", "1e-4", "--weight-decay", "0", "--epochs", "40"],
}
PRUNE_METHODS = ["mutual-information", "hybrid", "l1"]
RANDOM_SEEDS = [1, 2, 3, 4, 5]


def run(args):
    result = subprocess.run(args, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"failed ({result.returncode}): {' '.join(args)}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return result.stdout


def prune_accuracy(tool, model, out_dir, method, seed):
    policy = {
        "version": 1,
        "data": {"train": {"images": TRAIN[0], "labels": TRAIN[1]}, "validation": {"images": TEST[0], "labels": TEST[1]}},
        "method": {"name": method}, "target": {"ratio": 0.5}, "fineTune": {"epochs": 0},
        "gate": {"maxDrop": 1.0}, "seed": seed,
    }
    stem = os.path.join(out_dir, f"{os.path.basename(model)[:-5]}.{method}.{seed}")
    with open(stem + ".policy.json", "w") as f:
        json.dump(policy, f)
    run(["dotnet", tool, "prune", model, "--policy", stem + ".policy.json", "--out", stem + ".onnx", "--no-latency"])
    with open(stem + ".onnx.report.json") as f:
        report = json.load(f)
    return report["before"]["accuracy"], report["after"]["accuracy"]


def main(tool, out_dir, seeds="1,2,3"):
    os.makedirs(out_dir, exist_ok=True)
    rows = []
    for recipe, recipe_args in RECIPES.items():
        for seed in [int(s) for s in seeds.split(",")]:
            name = f"{recipe.replace(', ', '_').replace(' ', '-')}_s{seed}"
            model = os.path.join(out_dir, name + ".onnx")
            weights = os.path.join(out_dir, name + ".npz")
            if not os.path.exists(model):
                run(["/usr/bin/python3", os.path.join(HERE, "train_sigmoid_mlp.py"), model, "--seed", str(seed),
                     "--train-size", "50000", "--npz", weights, *recipe_args])
            analysis = os.path.join(out_dir, name + ".analysis")
            summary = json.loads(run(["dotnet", tool, "analyze", model, "--images", TEST[0], "--labels", TEST[1],
                                      "--out", analysis, "--samples", "5000", "--eval-samples", "5000",
                                      "--seeds", "5", "--json"]))
            check = run(["/usr/bin/python3", os.path.join(HERE, "crosscheck_analyze.py"), weights, analysis])
            row = {"recipe": recipe, "seed": seed, "accuracy": summary["originalAccuracy"],
                   "crosscheck": check.strip().splitlines()[-1], "layers": []}
            for layer in summary["layers"]:
                row["layers"].append({k: layer[k] for k in ("layer", "miAdvantage", "miAdvantageBalanced", "balancingGain")}
                                     | {"firstHalf": {k: layer["firstHalf"][k] for k in ("miAdvantage", "miAdvantageBalanced", "balancingGain")}})
            pruned = {}
            for method in PRUNE_METHODS:
                before, pruned[method] = prune_accuracy(tool, model, out_dir, method, 42)
            randoms = [prune_accuracy(tool, model, out_dir, "random", s)[1] for s in RANDOM_SEEDS]
            row["testAccuracy"] = before
            row["prune50"] = pruned | {"random": randoms, "randomMean": sum(randoms) / len(randoms)}
            rows.append(row)
            print(format_row(row), flush=True)
    with open(os.path.join(out_dir, "sigmoid-sweep.json"), "w") as f:
        json.dump(rows, f, indent=1)
    with open(os.path.join(out_dir, "sigmoid-sweep.md"), "w") as f:
        f.write(markdown(rows))
    print(markdown(rows))


def pt(value):
    return f"{value * 100:+.1f}"


def format_row(row):
    layers = "  ".join(f"L{i + 1} MI−rand {pt(l['miAdvantageBalanced'])} (0–50% {pt(l['firstHalf']['miAdvantageBalanced'])}), "
                       f"balancing {pt(l['balancingGain'])}" for i, l in enumerate(row["layers"]))
    p = row["prune50"]
    return (f"{row['recipe']} s{row['seed']} ({row['testAccuracy'] * 100:.1f}%, {row['crosscheck']}): {layers} | prune 50%: "
            f"MI {p['mutual-information'] * 100:.1f} hybrid {p['hybrid'] * 100:.1f} l1 {p['l1'] * 100:.1f} random {p['randomMean'] * 100:.1f}")


def markdown(rows):
    lines = [
        "| recipe | seed | test acc. | numpy check | L1 MI−random, balanced (0–50%) | L2 MI−random, balanced (0–50%) "
        "| balancing gain L1 / L2 | prune 50%: MI | hybrid | l1 | random (mean of 5) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        l1, l2 = row["layers"][0], row["layers"][1]
        p = row["prune50"]
        lines.append(
            f"| {row['recipe']} | {row['seed']} | {row['testAccuracy'] * 100:.1f}% | {row['crosscheck']} "
            f"| {pt(l1['miAdvantageBalanced'])} ({pt(l1['firstHalf']['miAdvantageBalanced'])}) "
            f"| {pt(l2['miAdvantageBalanced'])} ({pt(l2['firstHalf']['miAdvantageBalanced'])}) "
            f"| {pt(l1['balancingGain'])} / {pt(l2['balancingGain'])} "
            f"| {p['mutual-information'] * 100:.1f} | {p['hybrid'] * 100:.1f} | {p['l1'] * 100:.1f} "
            f"| {p['randomMean'] * 100:.1f} ({min(p['random']) * 100:.1f}–{max(p['random']) * 100:.1f}) |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main(*sys.argv[1:])
