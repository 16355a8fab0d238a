#!/usr/bin/env bash
# CMI filter pruning (issue 12) on Fashion-MNIST, one sitting, runs back to back:
#   1. lenet5, cmi against l1 at ~50% and ~25% of MACs (2 epochs each, Adam 1e-3 cosine, batch 128),
#      then resnet20 at ~50% (the cmi run's report gives the scoring cost: measure + plan against
#      the fine-tuning time per epoch)
#   2. lenet5, the paper's claims with "target": "auto": bidirectional vs forward, Scree vs X-means,
#      compact vs full (2 epochs each)
#   3. lenet5, stability of compact vs full: the plan alone (no fine-tuning) on 3 calibration
#      draws (seeds 1-3); bench/cmi/summarize.py compares the kept channel sets
#   4. resnet20, cmi against l1 at ~25% of MACs (2 epochs each)
#
#   bench/cmi/run.sh              build Release, run what is missing, print the tables
#   RESUME=0 bench/cmi/run.sh     start over
#   ONLY="lenet5" ...             only runs whose name contains the word
#
# Every finished run appends one line to bench/results/cmi/runs.jsonl and copies its JSON report
# there at once, so an interrupted sitting keeps what finished (RESUME=1, the default, skips it).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
threads="${THREADS:-2}"
resume="${RESUME:-1}"
only="${ONLY:-}"
data=/usr/share/datasets/fashion-mnist
models=/work/shared/models
results="$repo/bench/results/cmi"
mkdir -p "$results"
raw="$results/runs.jsonl"
(( resume )) || : > "$raw"
touch "$raw"

echo "building Release..." >&2
dotnet build "$repo/src/InfoPrune.Tool/InfoPrune.Tool.csproj" -c Release --nologo -v quiet >/dev/null
tool="$repo/src/InfoPrune.Tool/bin/Release/net10.0/dotnet-infoprune.dll"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# run NAME MODEL EPOCHS SEED TARGET METHOD-JSON
run() {
    local name=$1 model=$2 epochs=$3 seed=$4 target=$5 method=$6
    [[ -z $only || $name == *"$only"* ]] || return 0
    if grep -q "\"name\": \"$name\"" "$raw"; then echo "  (kept) $name" >&2; return 0; fi
    echo "  $name ($(date -u +%H:%M:%S), load $(cut -d' ' -f1 /proc/loadavg))" >&2
    cat > "$work/$name.json" <<JSON
{
  "version": 1,
  "data": {
    "train":      { "images": "$data/train-images-idx3-ubyte.gz", "labels": "$data/train-labels-idx1-ubyte.gz" },
    "validation": { "images": "$data/t10k-images-idx3-ubyte.gz",  "labels": "$data/t10k-labels-idx1-ubyte.gz" },
    "calibration": { "from": "train", "samples": 2048 }
  },
  "method": $method,
  "target": $target,
  "fineTune": { "epochs": $epochs, "batchSize": 128, "optimizer": { "name": "adam", "lr": 0.001 }, "schedule": "cosine" },
  "gate": { "maxDrop": 1.0 },
  "seed": $seed
}
JSON
    local rc=0 t0 t1 l0
    l0=$(cut -d' ' -f1 /proc/loadavg); t0=$(date +%s.%N)
    dotnet "$tool" prune "$models/$model.onnx" --policy "$work/$name.json" --out "$work/$name.onnx" \
        --threads "$threads" --no-latency > "$work/$name.log" 2>&1 || rc=$?
    t1=$(date +%s.%N)
    [[ -e $work/$name.onnx.report.json ]] && cp "$work/$name.onnx.report.json" "$results/$name.report.json"
    (( rc == 0 )) || tail -n 5 "$work/$name.log" >&2
    rm -f "$work/$name.onnx" "$work/$name.onnx".report.*
    printf '{"name": "%s", "model": "%s", "exit": %d, "wall_s": %.1f, "load_start": %s, "load_end": %s}\n' \
        "$name" "$model" "$rc" "$(echo "$t1 - $t0" | bc)" "$l0" "$(cut -d' ' -f1 /proc/loadavg)" >> "$raw"
}

cmi='{ "name": "cmi" }'
l1='{ "name": "l1" }'
# Most important first (the machine is shared and slow): the equal-MACs comparison and the scoring cost.
for budget in 0.5 0.25; do
    run "lenet5-l1-macs$budget" lenet5 2 42 "{ \"macs\": $budget }" "$l1"
    run "lenet5-cmi-macs$budget" lenet5 2 42 "{ \"macs\": $budget }" "$cmi"
done
run "resnet20-cmi-macs0.5" resnet20 2 42 '{ "macs": 0.5 }' "$cmi"
run "resnet20-l1-macs0.5" resnet20 2 42 '{ "macs": 0.5 }' "$l1"
run lenet5-cmi-auto-bidirectional-scree-compact lenet5 2 42 '"auto"' '{ "name": "cmi" }'
run lenet5-cmi-auto-forward-scree-compact lenet5 2 42 '"auto"' '{ "name": "cmi", "order": "forward" }'
run lenet5-cmi-auto-bidirectional-xmeans-compact lenet5 2 42 '"auto"' '{ "name": "cmi", "cutoff": "xmeans" }'
run lenet5-cmi-auto-bidirectional-scree-full lenet5 2 42 '"auto"' '{ "name": "cmi", "conditioning": "full" }'
for seed in 1 2 3; do
    for conditioning in compact full; do
        run "lenet5-cmi-plan-$conditioning-seed$seed" lenet5 0 "$seed" '"auto"' "{ \"name\": \"cmi\", \"conditioning\": \"$conditioning\" }"
    done
done
run "resnet20-cmi-macs0.25" resnet20 2 42 '{ "macs": 0.25 }' "$cmi"
run "resnet20-l1-macs0.25" resnet20 2 42 '{ "macs": 0.25 }' "$l1"

python3 "$here/summarize.py" "$results" | tee "$results/summary.md"
