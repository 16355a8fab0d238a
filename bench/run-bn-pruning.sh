#!/usr/bin/env bash
# Accuracy at equal MACs on the BN-folded resnet20: `dotnet infoprune prune` (BatchNorm re-inserted
# for fine-tuning, and once without) against hand-written PyTorch 1.13 that prunes the same network
# with its BatchNorm modules (bench/pruning/prune_bn.py) to the same channel widths. One run, every
# side back to back, so that the figures compare (the machine is shared).
#
#   bench/run-bn-pruning.sh      build Release, run everything, print markdown tables, write
#                                bench/results/bn-pruning.json and each InfoPrune report to
#                                bench/results/bn-pruning/
#
# Per MACs budget, in this order:
#   1. InfoPrune, method l1, fineTune.batchNorm auto (the default)
#   2. PyTorch on the BN module, InfoPrune's widths (from 1's report) and l1 ranking
#   3. (at OFF_BUDGET) InfoPrune l1 with "batchNorm": "off": the figure before re-insertion
#   4. (at EMULATE_BUDGET) prune_bn.py's emulations of re-insertion, on the folded module: EMULATE
#   5. InfoPrune with each of INFO_METHODS (batchNorm auto)
# Recipe everywhere: 2 epochs, Adam 0.001, cosine, batch 128, seed 42, defaults otherwise; 10k test set.
#
# Environment: BUDGETS ("0.475 0.252 0.076"), EPOCHS (2), THREADS (2), INFO_METHODS
# ("mutual-information"; "" for none), OFF_BUDGET (0.475; "" for none), EMULATE_BUDGET (0.475),
# EMULATE ("reinsert-after reinsert-before"; "" for none), LATENCY=1 to let InfoPrune measure
# latency too (off by default: the PyTorch side measures none), RESUME=1 to keep the runs already in
# bench/results/bn-pruning/runs.jsonl and run only the missing ones (after an interruption; the
# table then mixes sittings, whose machine load differs: see each run's load figures).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
python=/usr/bin/python3   # Debian's interpreter, which has python3-torch
threads="${THREADS:-2}"
epochs="${EPOCHS:-2}"
budgets="${BUDGETS:-0.475 0.252 0.076}"
info_methods="${INFO_METHODS-mutual-information}"
off_budget="${OFF_BUDGET-0.475}"
emulate_budget="${EMULATE_BUDGET:-0.475}"
emulate="${EMULATE-reinsert-after reinsert-before}"
latency="${LATENCY:-0}"
resume="${RESUME:-0}"
data=/usr/share/datasets/fashion-mnist
models=/work/shared/models
results="$here/results"

if ! "$python" -c 'import torch' 2>/dev/null; then
    echo "error: $python cannot import torch; run: bash eng/setup.sh --bench" >&2
    exit 2
fi
for f in "$data/train-images-idx3-ubyte.gz" "$models/resnet20.onnx" "$models/resnet20_bn.onnx"; do
    [[ -e $f ]] || { echo "error: $f missing" >&2; exit 2; }
done

echo "building Release..." >&2
dotnet build "$repo/src/InfoPrune.Tool/InfoPrune.Tool.csproj" -c Release --nologo -v quiet >/dev/null
dotnet build "$here/InfoPrune.Bench/InfoPrune.Bench.csproj" -c Release --nologo -v quiet >/dev/null
tool="$repo/src/InfoPrune.Tool/bin/Release/net10.0/dotnet-infoprune.dll"
bench="$here/InfoPrune.Bench/bin/Release/net10.0/InfoPrune.Bench"
mkdir -p "$results/bn-pruning"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Every finished run is appended here at once, so an interrupted run loses only the process it was in.
raw="$results/bn-pruning/runs.jsonl"
(( resume )) || : > "$raw"

# Untimed preparation: the trained weights as a PyTorch user has them (a checkpoint).
"$bench" export-weights "$models/resnet20.onnx" "$work/resnet20.npz" >/dev/null
"$bench" export-weights "$models/resnet20_bn.onnx" "$work/resnet20_bn.npz" >/dev/null

load1() { cut -d' ' -f1 /proc/loadavg; }
now() { date +%s.%N; }

# The policy of one InfoPrune run: bench/pruning/resnet20.policy.json with this method, budget, BN mode.
policy() {
    local method=$1 budget=$2 mode=$3 out=$4
    "$python" - "$here/pruning/resnet20.policy.json" "$method" "$budget" "$mode" "$epochs" "$out" <<'EOF'
import json, sys
src, method, budget, mode, epochs, out = sys.argv[1:]
p = json.load(open(src))
p.pop("$schema", None)
p["method"] = {"name": method}
p["target"] = {"macs": float(budget)}
p["fineTune"]["epochs"] = int(epochs)
if mode != "auto":
    p["fineTune"]["batchNorm"] = mode
json.dump(p, open(out, "w"), indent=2)
EOF
}

# True when RESUME=1 and this run already finished (exit 0) in runs.jsonl.
done_before() {
    (( resume )) || return 1
    "$python" - "$raw" "$@" <<'EOF'
import json, sys
raw, side, method, mode, budget = sys.argv[1:]
runs = [json.loads(l) for l in open(raw) if l.strip()]
sys.exit(0 if any(r["side"] == side and r["method"] == method and r["mode"] == mode and float(r["budget"]) == float(budget)
                  and r["exit"] == 0 for r in runs) else 1)
EOF
}

# One process, timed from outside (start-up, runtime and library loading included on both sides).
run_infoprune() {
    local method=$1 budget=$2 mode=$3
    local name="infoprune-$method-$mode-$budget"
    if done_before infoprune "$method" "$mode" "$budget"; then echo "  (kept) $name" >&2; return; fi
    local log="$work/$name.log" out="$work/$name.onnx" rc=0 extra=()
    (( latency )) || extra=(--no-latency)
    rm -f "$results/bn-pruning/$name.report.json"   # never a stale report for the PyTorch side's widths
    policy "$method" "$budget" "$mode" "$work/$name.policy.json"
    local l0 t0 t1
    l0=$(load1); t0=$(now)
    dotnet "$tool" prune "$models/resnet20.onnx" --policy "$work/$name.policy.json" --out "$out" \
        --threads "$threads" "${extra[@]}" > "$log" 2>&1 || rc=$?
    t1=$(now)
    [[ -e $out.report.json ]] && cp "$out.report.json" "$results/bn-pruning/$name.report.json"
    "$python" "$here/pruning/bn_results.py" record "$raw" side=infoprune method="$method" mode="$mode" budget="$budget" \
        wall_s="$("$python" -c "print(round($t1 - $t0, 3))")" load_start="$l0" load_end="$(load1)" exit="$rc" \
        --log "$log" --report "$out.report.json"
    (( rc == 0 )) || tail -n 5 "$log" >&2
}

run_pytorch() {
    local variant=$1 budget=$2 report=$3 check=$4
    local name="pytorch-$variant-$budget"
    if done_before pytorch l1 "$variant" "$budget"; then echo "  (kept) $name" >&2; return; fi
    local log="$work/$name.log" rc=0 extra=()
    # Same widths as InfoPrune's l1 run at this budget; its own ranking if that run failed.
    [[ -e $report ]] && extra+=(--report "$report")
    (( check )) || extra+=(--no-check)
    local l0 t0 t1
    l0=$(load1); t0=$(now)
    "$python" "$here/pruning/prune_bn.py" --folded "$work/resnet20.npz" --bn "$work/resnet20_bn.npz" --variant "$variant" \
        --target "$budget" --epochs "$epochs" --threads "$threads" --data "$data" "${extra[@]}" > "$log" 2>&1 || rc=$?
    t1=$(now)
    cp "$log" "$results/bn-pruning/$name.log"
    "$python" "$here/pruning/bn_results.py" record "$raw" side=pytorch method=l1 mode="$variant" budget="$budget" \
        wall_s="$("$python" -c "print(round($t1 - $t0, 3))")" load_start="$l0" load_end="$(load1)" exit="$rc" --log "$log"
    (( rc == 0 )) || tail -n 5 "$log" >&2
}

first=1
for budget in $budgets; do
    echo "budget: keep <= $budget of MACs ($epochs epochs, $threads threads)" >&2
    run_infoprune l1 "$budget" auto
    # The cut's accuracy before fine-tuning is checked once (both modules must agree on it).
    run_pytorch bn-module "$budget" "$results/bn-pruning/infoprune-l1-auto-$budget.report.json" "$first"
    first=0
    if [[ $budget == "$off_budget" ]]; then run_infoprune l1 "$budget" off; fi
    if [[ $budget == "$emulate_budget" ]]; then
        for variant in $emulate; do run_pytorch "$variant" "$budget" "$results/bn-pruning/infoprune-l1-auto-$budget.report.json" 0; done
    fi
    for method in $info_methods; do run_infoprune "$method" "$budget" auto; done
done

"$python" "$here/pruning/bn_results.py" table "$raw" "$results/bn-pruning.json" "$threads"
