#!/usr/bin/env bash
# Cost of the information methods' scoring against one epoch of fine-tuning, in the same run
# (issue target: scoring ≤ 10% of an epoch on resnet20).
#
#   bench/run-scoring.sh          build Release; per model and method, run `infoprune prune`
#                                 (keep 50% of MACs, 2,048 calibration images, 1 epoch of Adam
#                                 fine-tuning at batch 128) and read the report's step times;
#                                 print a table, write bench/results/scoring.json
#
# Scoring = the report's "measure" step (the calibration forward pass and the per-unit
# statistics) plus "plan" (ranking and selecting); fine-tuning = its "fine-tune" step, one epoch
# over the 60,000 training images. Both come from the same process, so the ratio does not depend
# on the machine's load drifting between runs.
# Environment: MODELS ("resnet20"), METHODS ("mutual-information hybrid"), THREADS (2).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
data=/usr/share/datasets/fashion-mnist
models="${MODELS:-resnet20}"
methods="${METHODS:-mutual-information hybrid}"
threads="${THREADS:-2}"
shared="$(cd "$repo/.." && pwd)/shared/models"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "building Release..." >&2
dotnet build "$repo/src/InfoPrune.Tool/InfoPrune.Tool.csproj" -c Release --nologo -v quiet >/dev/null
tool="$repo/src/InfoPrune.Tool/bin/Release/net10.0/dotnet-infoprune.dll"

reports=()
for model in $models; do
    for method in $methods; do
        cat > "$work/$model.$method.json" <<JSON
{
  "version": 1,
  "data": {
    "train":      { "images": "$data/train-images-idx3-ubyte.gz", "labels": "$data/train-labels-idx1-ubyte.gz" },
    "validation": { "images": "$data/t10k-images-idx3-ubyte.gz",  "labels": "$data/t10k-labels-idx1-ubyte.gz" },
    "calibration": { "from": "train", "samples": 2048 }
  },
  "method": { "name": "$method" },
  "target": { "macs": 0.5 },
  "fineTune": { "epochs": 1, "batchSize": 128, "optimizer": { "name": "adam", "lr": 0.001 } },
  "gate": { "maxDrop": 1.0 },
  "seed": 42
}
JSON
        echo "$model / $method ..." >&2
        dotnet "$tool" prune "$shared/$model.onnx" --policy "$work/$model.$method.json" \
            --out "$work/$model.$method.onnx" --no-latency --threads "$threads" >/dev/null
        reports+=("$model|$method|$work/$model.$method.onnx.report.json")
    done
done

mkdir -p "$here/results"
python3 - "$here/results/scoring.json" "${reports[@]}" <<'PY'
import json, sys
rows = []
print(f"{'model':10} {'method':20} {'measure s':>10} {'plan s':>8} {'fine-tune s':>12} {'scoring / epoch':>16}")
for spec in sys.argv[2:]:
    model, method, path = spec.split("|")
    report = json.load(open(path))
    steps = {s["step"]: s["seconds"] for s in report["steps"]}
    scoring = steps["measure"] + steps["plan"]
    ratio = scoring / steps["fine-tune"]
    rows.append({"model": model, "method": method, "measureSeconds": steps["measure"], "planSeconds": steps["plan"],
                 "fineTuneEpochSeconds": steps["fine-tune"], "scoringPerEpoch": ratio})
    print(f"{model:10} {method:20} {steps['measure']:10.2f} {steps['plan']:8.2f} {steps['fine-tune']:12.1f} {ratio * 100:15.1f}%")
json.dump(rows, open(sys.argv[1], "w"), indent=1)
PY
