#!/usr/bin/env bash
# ib-gates (information-bottleneck gates on coupled channel sets) on resnet20, Fashion-MNIST:
#   1. gate-cost: a gate-training step against a plain fine-tuning step of the same unpruned
#      resnet20 (BatchNorm re-inserted as prune does; InfoPrune.Bench gate-cost: 3 alternating rounds
#      of GATE_COST_STEPS (20) steps each, ratio per round, median)
#   2. ≤ 8% of MACs with 4 epochs in all (2 of gate training + 2 of fine-tuning), folded and BN exports
#   3. the same at 2 epochs in all (1 + 1), for equal training compute with a 2-epoch fine-tune
#   4. the curve: 50% and 25% of MACs, folded export, 2 + 2
#   5. baseline from the same sitting: l1 at 8% of MACs with 4 and 2 fine-tuning epochs (folded)
# Recipe: Adam 0.001 cosine, batch 128, seed 42, ib-gates defaults (lr 0.02, gamma 0.1), --no-latency
# (roundTo "auto" then keeps counts as they are), 10k test set; gate.maxDrop 1 so every run writes.
#
#   bench/ib-gates/run.sh          build Release, run what is missing, print bench/ib-gates/results.md
#
# Resumable: each finished run is appended at once to bench/ib-gates/results/runs.jsonl and its
# report kept in bench/ib-gates/results/; a rerun skips every run already recorded (FRESH=1 starts
# over). THREADS (2). Run it alone: the machine is shared and the figures are times and accuracies.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
threads="${THREADS:-2}"
data=/usr/share/datasets/fashion-mnist
models=/work/shared/models
results="$here/results"
raw="$results/runs.jsonl"
mkdir -p "$results"
(( ${FRESH:-0} )) && : > "$raw"
touch "$raw"

echo "building Release..." >&2
dotnet build "$repo/src/InfoPrune.Tool/InfoPrune.Tool.csproj" -c Release --nologo -v quiet >/dev/null
dotnet build "$repo/bench/InfoPrune.Bench/InfoPrune.Bench.csproj" -c Release --nologo -v quiet >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Private copies of the binaries, so a build in the repository during the hours this runs cannot
# replace them under a running process: the native libraries (a build never rewrites them) are
# hard links, which take no space; the managed assemblies next to them are real copies.
private_copy() {
    cp -al "$1" "$2"
    local f
    for f in "$1"/*.dll "$1"/*.pdb "$1"/*.json; do [[ -e $f ]] && cp --remove-destination "$f" "$2/$(basename "$f")"; done
    return 0
}
private_copy "$repo/src/InfoPrune.Tool/bin/Release/net10.0" "$work/tool"
private_copy "$repo/bench/InfoPrune.Bench/bin/Release/net10.0" "$work/bench"
cp --remove-destination "$repo/bench/InfoPrune.Bench/bin/Release/net10.0/InfoPrune.Bench" "$work/bench/InfoPrune.Bench"
tool="$work/tool/dotnet-infoprune.dll"
bench="$work/bench/InfoPrune.Bench"

recorded() { grep -q "\"name\": \"$1\"" "$raw"; }

if recorded gate-cost; then echo "  (kept) gate-cost" >&2; else
    echo "gate-cost..." >&2
    "$bench" gate-cost resnet20 --threads "$threads" --steps "${GATE_COST_STEPS:-20}" --rounds 3 --models "$models" --data "$data" \
        | python3 -c 'import json,sys
for line in sys.stdin:
    r = json.loads(line); r["name"] = "gate-cost"; print(json.dumps(r))' >> "$raw"
fi

# run NAME MODEL METHOD MACS GATE_EPOCHS FINE_TUNE_EPOCHS
run() {
    local name=$1 model=$2 method=$3 macs=$4 gate_epochs=$5 ft_epochs=$6
    if recorded "$name"; then echo "  (kept) $name" >&2; return; fi
    echo "$name..." >&2
    python3 - "$work/$name.policy.json" "$method" "$macs" "$gate_epochs" "$ft_epochs" "$data" <<'PY'
import json, sys
out, method, macs, gate_epochs, ft_epochs, data = sys.argv[1:]
m = {"name": method}
if method == "ib-gates": m["epochs"] = int(gate_epochs)
json.dump({
    "version": 1,
    "data": {"train": {"images": f"{data}/train-images-idx3-ubyte.gz", "labels": f"{data}/train-labels-idx1-ubyte.gz"},
             "validation": {"images": f"{data}/t10k-images-idx3-ubyte.gz", "labels": f"{data}/t10k-labels-idx1-ubyte.gz"}},
    "method": m,
    "target": {"macs": float(macs)},
    "fineTune": {"epochs": int(ft_epochs), "batchSize": 128, "optimizer": {"name": "adam", "lr": 0.001}, "schedule": "cosine"},
    "gate": {"maxDrop": 1.0},
    "seed": 42,
}, open(out, "w"), indent=2)
PY
    local rc=0 l0 t0 t1
    l0=$(cut -d' ' -f1 /proc/loadavg); t0=$(date +%s.%N)
    dotnet "$tool" prune "$models/$model.onnx" --policy "$work/$name.policy.json" --out "$work/$name.onnx" \
        --threads "$threads" --no-latency > "$work/$name.log" 2>&1 || rc=$?
    t1=$(date +%s.%N)
    [[ -e $work/$name.onnx.report.json ]] && cp "$work/$name.onnx.report.json" "$results/$name.report.json"
    [[ -e $work/$name.onnx.report.html ]] && cp "$work/$name.onnx.report.html" "$results/$name.report.html"
    python3 - "$raw" "$name" "$model" "$method" "$macs" "$gate_epochs" "$ft_epochs" "$rc" "$l0" "$(cut -d' ' -f1 /proc/loadavg)" \
        "$(python3 -c "print(round($t1 - $t0, 1))")" "$work/$name.onnx.report.json" <<'PY'
import json, os, sys
raw, name, model, method, macs, ge, fe, rc, l0, l1, wall, report = sys.argv[1:]
r = {"name": name, "model": model, "method": method, "target_macs": float(macs), "gate_epochs": int(ge) if method == "ib-gates" else 0,
     "fine_tune_epochs": int(fe), "exit": int(rc), "load_start": float(l0), "load_end": float(l1), "wall_s": float(wall)}
if os.path.exists(report):
    p = json.load(open(report))
    r["accuracy_before"] = p["before"]["accuracy"]; r["accuracy_after"] = p["after"]["accuracy"]
    r["macs_kept"] = p["after"]["macs"] / p["before"]["macs"]
    r["params_kept"] = p["after"]["parameters"] / p["before"]["parameters"]
    if p.get("methodTraining"): r["gate_training_s"] = p["methodTraining"]["seconds"]; r["gate_loss"] = p["methodTraining"]["epochLoss"]
    if p.get("fineTune"): r["fine_tune_s"] = p["fineTune"]["seconds"]; r["fine_tune_loss"] = p["fineTune"]["epochLoss"]
    if p.get("channelScores"): r["threshold"] = p["channelScores"]["threshold"]
    r["widths"] = {g["name"]: [g["channelsBefore"], g["channelsAfter"]] for g in p["groups"] if g["prunable"]}
open(raw, "a").write(json.dumps(r) + "\n")
PY
    (( rc == 0 )) || tail -n 5 "$work/$name.log" >&2
}

run ib-folded-8-2+2  resnet20    ib-gates 0.08 2 2
run ib-bn-8-2+2      resnet20_bn ib-gates 0.08 2 2
run ib-folded-8-1+1  resnet20    ib-gates 0.08 1 1
run ib-bn-8-1+1      resnet20_bn ib-gates 0.08 1 1
run ib-folded-25-2+2 resnet20    ib-gates 0.25 2 2
run ib-folded-50-2+2 resnet20    ib-gates 0.50 2 2
run l1-folded-8-4    resnet20    l1       0.08 0 4
run l1-folded-8-2    resnet20    l1       0.08 0 2

python3 "$here/summary.py" "$raw" > "$here/results.md"
cat "$here/results.md"
