#!/usr/bin/env bash
# MIPP benchmarks (issue 11), one sitting, every run appended to bench/results/mipp/runs.jsonl as
# soon as it finishes (RESUME=1 skips the runs already there, after an interruption):
#
#   1. planning time: `mipp` with "target": "auto" and 1 fine-tuning epoch on lenet5 and resnet20,
#      so that the plan and the epoch it is compared with are timed in the same process;
#   2. the paper's claim: lenet5 at 80/90/95/98% parameter sparsity ("params" 0.2/0.1/0.05/0.02),
#      mipp (alpha searched) against global l1, maxRatio 1 and minChannels 1 (layers may shrink
#      to one channel), 2 epochs;
#   3. equal MACs (~25%): mipp against l1 on lenet5, resnet20 (BN folded) and resnet20_bn, 2 epochs.
#
# Recipe: Adam 0.001, cosine, batch 128, seed 42, 512 calibration samples, --no-latency.
# Environment: THREADS (1: the machine is shared; a busy machine makes 2 threads slower than 1),
# ONLY ("timing curve macs", the parts to run), MACS_MODELS ("lenet5 resnet20 resnet20_bn"), RESUME (0).
#
#   bench/mipp/run-mipp.sh && python3 bench/mipp/summarize.py
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
threads="${THREADS:-1}"
only="${ONLY:-timing curve macs}"
macs_models="${MACS_MODELS:-lenet5 resnet20 resnet20_bn}"
resume="${RESUME:-0}"
data=/usr/share/datasets/fashion-mnist
models=/work/shared/models
results="$repo/bench/results/mipp"
for f in "$data/train-images-idx3-ubyte.gz" "$models/lenet5.onnx" "$models/resnet20.onnx" "$models/resnet20_bn.onnx"; do
    [[ -e $f ]] || { echo "error: $f missing" >&2; exit 2; }
done

echo "building Release..." >&2
dotnet build "$repo/src/InfoPrune.Tool/InfoPrune.Tool.csproj" -c Release --nologo -v quiet >/dev/null
tool="$repo/src/InfoPrune.Tool/bin/Release/net10.0/dotnet-infoprune.dll"
mkdir -p "$results"
raw="$results/runs.jsonl"
(( resume )) || : > "$raw"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# One run: model, method, target JSON, epochs, name. Writes the policy, prunes, records the report.
run() {
    local model=$1 method=$2 target=$3 epochs=$4 name=$5
    if grep -q "\"name\": \"$name\"" "$raw" 2>/dev/null; then echo "  (kept) $name" >&2; return; fi
    echo "  $name" >&2
    python3 - "$work/$name.json" "$method" "$target" "$epochs" <<'PY'
import json, sys
out, method, target, epochs = sys.argv[1:]
d = "/usr/share/datasets/fashion-mnist/"
json.dump({
    "version": 1,
    "data": {
        "train": {"images": d + "train-images-idx3-ubyte.gz", "labels": d + "train-labels-idx1-ubyte.gz"},
        "validation": {"images": d + "t10k-images-idx3-ubyte.gz", "labels": d + "t10k-labels-idx1-ubyte.gz"},
        "calibration": {"from": "train", "samples": 512},
    },
    "method": {"name": method},
    "target": json.loads(target),
    "constraints": {"minChannels": 1, "maxRatio": 1.0, "roundTo": 1},
    "fineTune": {"epochs": int(epochs), "batchSize": 128, "optimizer": {"name": "adam", "lr": 0.001}, "schedule": "cosine"},
    "gate": {"maxDrop": 1.0},
    "seed": 42,
}, open(out, "w"), indent=1)
PY
    local start end rc=0 load
    load=$(cut -d' ' -f1 /proc/loadavg)
    start=$(date +%s.%N)
    dotnet "$tool" prune "$models/$model.onnx" --policy "$work/$name.json" --out "$work/$name.onnx" \
        --threads "$threads" --no-latency > "$work/$name.log" 2>&1 || rc=$?
    end=$(date +%s.%N)
    [[ -e $work/$name.onnx.report.json ]] && cp "$work/$name.onnx.report.json" "$results/$name.report.json"
    python3 - "$raw" "$name" "$model" "$method" "$target" "$epochs" "$rc" "$start" "$end" "$load" "$work/$name.onnx.report.json" "$work/$name.log" <<'PY'
import json, os, sys
raw, name, model, method, target, epochs, rc, start, end, load, report, log = sys.argv[1:]
rec = {"name": name, "model": model, "method": method, "target": json.loads(target), "epochs": int(epochs),
       "exit": int(rc), "wall_s": round(float(end) - float(start), 2), "load_start": float(load),
       "load_end": float(open("/proc/loadavg").read().split()[0])}
if os.path.exists(report):
    r = json.load(open(report))
    steps = {s["step"]: s["seconds"] for s in r.get("steps", [])}
    rec["plan_s"] = steps.get("plan")
    ft = r.get("fineTune") or {}
    rec["finetune_s"] = ft.get("seconds")
    rec["epoch_s"] = ft["seconds"] / ft["epochs"] if ft.get("epochs") else None
    rec["accuracy_before"] = r["before"]["accuracy"]
    rec["accuracy_after"] = r["after"]["accuracy"]
    rec["params_kept"] = r["after"]["parameters"] / r["before"]["parameters"]
    rec["macs_kept"] = r["after"]["macs"] / r["before"]["macs"]
    rec["widths"] = {g["name"]: [g["channelsBefore"], g["channelsAfter"]] for g in r["groups"] if g["prunable"]}
    rec["why"] = {g["name"]: g["why"] for g in r["groups"] if g["prunable"]}
else:
    rec["log_tail"] = open(log).read()[-2000:]
open(raw, "a").write(json.dumps(rec) + "\n")
PY
}

if [[ " $only " == *" timing "* ]]; then
    run lenet5 mipp '"auto"' 1 timing-lenet5-mipp-auto
    run resnet20 mipp '"auto"' 1 timing-resnet20-mipp-auto
fi
if [[ " $only " == *" curve "* ]]; then
    for keep in 0.2 0.1 0.05 0.02; do
        run lenet5 l1 "{\"params\": $keep}" 2 "curve-lenet5-l1-params-$keep"
        run lenet5 mipp "{\"params\": $keep}" 2 "curve-lenet5-mipp-params-$keep"
    done
fi
if [[ " $only " == *" macs "* ]]; then
    for model in $macs_models; do
        run "$model" l1 '{"macs": 0.25}' 2 "macs-$model-l1-0.25"
        run "$model" mipp '{"macs": 0.25}' 2 "macs-$model-mipp-0.25"
    done
fi
echo "done: $raw" >&2
