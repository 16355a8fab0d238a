#!/usr/bin/env bash
# CMI filter pruning (issue 12) on Fashion-MNIST, one sitting, runs back to back:
#   1. lenet5, cmi against l1 at ~50% and ~25% of MACs (2 epochs each, Adam 1e-3 cosine, batch 128)
#   2. resnet20, cmi against l1 at ~50% of MACs, fine-tuned 1 epoch on the first SUBSET (6000)
#      training images: a full 2-epoch resnet20 run takes about an hour on the shared 2-core
#      machine. The cmi run's report gives the scoring cost (measure + plan) and the fine-tuning
#      throughput, from which one full epoch (60000 images) is estimated.
#   3. lenet5, the paper's claims with "target": "auto": bidirectional vs forward, Scree vs X-means,
#      compact vs full (CLAIM_EPOCHS, 1 by default, each)
#   4. lenet5, stability of compact vs full: the plan alone (no fine-tuning) on 3 calibration
#      draws (seeds 1-3); bench/cmi/summarize.py compares the kept channel sets
#   5. resnet20 as in 2, at ~25% of MACs
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
subset="${SUBSET:-6000}"
claim_epochs="${CLAIM_EPOCHS:-1}"
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

# The first $subset training images and labels as raw IDX files (for the resnet20 runs).
sub="$results/data"
if [[ ! -e $sub/train-$subset-labels.idx ]]; then
    mkdir -p "$sub"
    python3 - "$data" "$sub" "$subset" <<'PY'
import gzip, struct, sys
data, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
for kind, header, size in (("images", ">IIII", 784), ("labels", ">II", 1)):
    raw = gzip.open(f"{data}/train-{kind}-idx{3 if kind == 'images' else 1}-ubyte.gz").read()
    fields = list(struct.unpack_from(header, raw))
    fields[1] = n
    offset = struct.calcsize(header)
    open(f"{out}/train-{n}-{kind}.idx", "wb").write(struct.pack(header, *fields) + raw[offset:offset + n * size])
PY
fi

# run NAME MODEL EPOCHS SEED TARGET METHOD-JSON [TRAIN-IMAGES TRAIN-LABELS]
run() {
    local name=$1 model=$2 epochs=$3 seed=$4 target=$5 method=$6
    local train_images=${7:-$data/train-images-idx3-ubyte.gz} train_labels=${8:-$data/train-labels-idx1-ubyte.gz}
    [[ -z $only || $name == *"$only"* ]] || return 0
    if grep -q "\"name\": \"$name\"" "$raw"; then echo "  (kept) $name" >&2; return 0; fi
    echo "  $name ($(date -u +%H:%M:%S), load $(cut -d' ' -f1 /proc/loadavg))" >&2
    cat > "$work/$name.json" <<JSON
{
  "version": 1,
  "data": {
    "train":      { "images": "$train_images", "labels": "$train_labels" },
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
subset_files=("$sub/train-$subset-images.idx" "$sub/train-$subset-labels.idx")
run "resnet20-cmi-macs0.5-sub$subset" resnet20 1 42 '{ "macs": 0.5 }' "$cmi" "${subset_files[@]}"
for budget in 0.5 0.25; do
    run "lenet5-l1-macs$budget" lenet5 2 42 "{ \"macs\": $budget }" "$l1"
    run "lenet5-cmi-macs$budget" lenet5 2 42 "{ \"macs\": $budget }" "$cmi"
done
run "resnet20-l1-macs0.5-sub$subset" resnet20 1 42 '{ "macs": 0.5 }' "$l1" "${subset_files[@]}"
run lenet5-cmi-auto-bidirectional-scree-compact lenet5 "$claim_epochs" 42 '"auto"' '{ "name": "cmi" }'
run lenet5-cmi-auto-forward-scree-compact lenet5 "$claim_epochs" 42 '"auto"' '{ "name": "cmi", "order": "forward" }'
run lenet5-cmi-auto-bidirectional-xmeans-compact lenet5 "$claim_epochs" 42 '"auto"' '{ "name": "cmi", "cutoff": "xmeans" }'
run lenet5-cmi-auto-bidirectional-scree-full lenet5 "$claim_epochs" 42 '"auto"' '{ "name": "cmi", "conditioning": "full" }'
for seed in 1 2 3; do
    for conditioning in compact full; do
        run "lenet5-cmi-plan-$conditioning-seed$seed" lenet5 0 "$seed" '"auto"' "{ \"name\": \"cmi\", \"conditioning\": \"$conditioning\" }"
    done
done
run "resnet20-cmi-macs0.25-sub$subset" resnet20 1 42 '{ "macs": 0.25 }' "$cmi" "${subset_files[@]}"
run "resnet20-l1-macs0.25-sub$subset" resnet20 1 42 '{ "macs": 0.25 }' "$l1" "${subset_files[@]}"

python3 "$here/summarize.py" "$results" | tee "$results/summary.md"
