#!/usr/bin/env python3
"""Runs `dotnet infoprune prune` over models x MACs targets x methods and appends one JSON record
per run to a results file (resumable: runs already recorded are skipped).

A method spec is NAME[@ALLOCATION][+KEY=JSON...], e.g. "l1", "mutual-information@sensitivity",
"hybrid+split=[1,1]", "mutual-information+quantizer={\"bins\":8}". ALLOCATION becomes
constraints.allocation; KEY=JSON pairs go into the method object.
"""
import argparse, json, os, subprocess, sys, tempfile, time

DATA = "/usr/share/datasets/fashion-mnist"
MODELS = "/work/shared/models"


INFORMATION_METHODS = {"entropy", "mutual-information", "kl-selectivity", "js-separation", "labeled-mi", "hybrid"}


def policy(method_spec, fraction, epochs, seed, kind="macs"):
    name, _, extras = method_spec.partition("+")
    name, _, allocation = name.partition("@")
    method = {"name": name}
    for pair in filter(None, extras.split("+")):
        key, _, value = pair.partition("=")
        method[key] = json.loads(value)
    # A bare information method here means information alone, as in every table of the README; the tool's
    # own default ("auto") would rank with weight magnitude whenever the run fine-tunes.
    if name in INFORMATION_METHODS and "magnitude" not in method:
        method["magnitude"] = "none"
    constraints = {"roundTo": 1}
    if allocation:
        constraints["allocation"] = allocation
    return {
        "version": 1,
        "data": {
            "train": {"images": f"{DATA}/train-images-idx3-ubyte.gz", "labels": f"{DATA}/train-labels-idx1-ubyte.gz"},
            "validation": {"images": f"{DATA}/t10k-images-idx3-ubyte.gz", "labels": f"{DATA}/t10k-labels-idx1-ubyte.gz"},
        },
        "method": method,
        "target": {kind: fraction},
        "constraints": constraints,
        "fineTune": {"epochs": epochs, "batchSize": 128, "optimizer": {"name": "adam", "lr": 0.001}, "schedule": "cosine"},
        "gate": {"maxDrop": 1.0},
        "seed": seed,
    }


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--tool", required=True)
    p.add_argument("--results", required=True)
    p.add_argument("--models", default="lenet5 mlp")
    p.add_argument("--targets", default="0.5 0.25 0.08")
    p.add_argument("--kind", default="macs", choices=["macs", "ratio"], help="what a target keeps: a fraction of the MACs, or of every layer")
    p.add_argument("--methods", required=True, help="space-separated method specs")
    p.add_argument("--epochs", default="2")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--threads", default="1")
    p.add_argument("--model-dir", default=MODELS)
    a = p.parse_args()

    done = set()
    if os.path.exists(a.results):
        for line in open(a.results):
            r = json.loads(line)
            done.add((r["model"], r["method"], r["target"], r["epochs"], r.get("seed", 42), r.get("kind", "macs")))
    for epochs in map(int, a.epochs.split()):
        for model in a.models.split():
            for target in map(float, a.targets.split()):
                for spec in a.methods.split():
                    key = (model, spec, target, epochs, a.seed, a.kind)
                    if key in done:
                        continue
                    with tempfile.TemporaryDirectory() as work:
                        pol = os.path.join(work, "policy.json")
                        json.dump(policy(spec, target, epochs, a.seed, a.kind), open(pol, "w"))
                        out = os.path.join(work, "out.onnx")
                        rep = os.path.join(work, "report.json")
                        start = time.time()
                        proc = subprocess.run(["dotnet", a.tool, "prune", os.path.join(a.model_dir, model + ".onnx"),
                                               "--policy", pol, "--out", out, "--report", rep, "--no-latency",
                                               "--threads", a.threads], capture_output=True, text=True)
                        seconds = time.time() - start
                        if proc.returncode != 0 or not os.path.exists(rep):
                            print(f"FAILED {key}: {proc.stdout[-2000:]} {proc.stderr[-2000:]}", file=sys.stderr)
                            continue
                        report = json.load(open(rep))
                    record = {
                        "model": model, "method": spec, "target": target, "kind": a.kind, "epochs": epochs, "seed": a.seed,
                        "before": report["before"]["accuracy"], "after": report["after"]["accuracy"],
                        "macs": report["after"]["macs"] / report["before"]["macs"],
                        "widths": {g["name"]: [g["channelsAfter"], g["channelsBefore"]] for g in report["groups"] if g["prunable"]},
                        "steps": {s["step"]: s["seconds"] for s in report["steps"]},
                        "seconds": round(seconds, 1), "warnings": report.get("warnings", []),
                    }
                    with open(a.results, "a") as f:
                        f.write(json.dumps(record) + "\n")
                    print(f"{model} {spec} {a.kind} {target} e{epochs}: {100 * record['after']:.2f}% macs {record['macs']:.3f} "
                          f"({seconds:.0f}s)", flush=True)


if __name__ == "__main__":
    main()
