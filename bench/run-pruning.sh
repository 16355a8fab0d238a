#!/usr/bin/env bash
# Whole-pipeline time of `dotnet infoprune prune` (l1, keep 50% of MACs, 2 epochs of fine-tuning)
# vs the same recipe hand-written in PyTorch 1.13 (bench/pruning/prune_l1.py), run back to back in
# the same run: the machine is shared, so only figures measured together compare.
#
#   bench/run-pruning.sh             build Release, run both sides per model, print a table,
#                                    write bench/results/pruning.json
#
# Each round runs three processes per model: InfoPrune as a user runs it (with the latency
# measurement), InfoPrune with --no-latency, and PyTorch; the order reverses every other round so
# that a drift in the machine's load does not always fall on the same side. Wall time is taken
# around each process (start-up, runtime and library loading included on both sides).
#
# Environment: MODELS ("lenet5 resnet20"), ROUNDS (2; per model: ROUNDS_lenet5, ROUNDS_resnet20,
# default 1 for resnet20, whose fine-tuning takes minutes per side on 2 cores), EPOCHS (2; per
# model: EPOCHS_resnet20 …), THREADS (2), NOLATENCY_resnet20=0 to skip the --no-latency run of a
# model (the report's own latency step time then shows what it cost).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
# Debian's interpreter: a pyenv or venv python first on PATH usually has no torch.
python=/usr/bin/python3
threads="${THREADS:-2}"
models="${MODELS:-lenet5 resnet20}"
results="$here/results"
data=/usr/share/datasets/fashion-mnist

if ! "$python" -c 'import torch' 2>/dev/null; then
    echo "error: $python cannot import torch; run: sudo bench/run-training.sh --setup" >&2
    exit 2
fi
if [[ ! -e "$data/train-images-idx3-ubyte.gz" ]]; then
    echo "error: Fashion-MNIST missing; run: sudo bench/run-training.sh --setup" >&2
    exit 2
fi

echo "building Release..." >&2
dotnet build "$repo/src/InfoPrune.Tool/InfoPrune.Tool.csproj" -c Release --nologo -v quiet >/dev/null
dotnet build "$here/InfoPrune.Bench/InfoPrune.Bench.csproj" -c Release --nologo -v quiet >/dev/null
tool="$repo/src/InfoPrune.Tool/bin/Release/net10.0/dotnet-infoprune.dll"
bench="$here/InfoPrune.Bench/bin/Release/net10.0/InfoPrune.Bench"
mkdir -p "$results"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
raw="$work/raw.jsonl"
: > "$raw"

load1() { cut -d' ' -f1 /proc/loadavg; }
now() { date +%s.%N; }

# One process, timed from outside; appends one JSON record (the side's own figures merged in).
run_side() {
    local model=$1 round=$2 side=$3 epochs=$4
    local log="$work/$model.$round.$side.log" out="$work/$model.$round.$side.onnx"
    local load_start load_end start end rc=0
    load_start=$(load1)
    start=$(now)
    case "$side" in
        infoprune|infoprune-nolatency)
            local extra=(); [[ $side == infoprune-nolatency ]] && extra=(--no-latency)
            dotnet "$tool" prune "/work/shared/models/$model.onnx" --policy "$work/$model.policy.json" \
                --out "$out" --threads "$threads" "${extra[@]}" > "$log" 2>&1 || rc=$?
            ;;
        pytorch)
            "$python" "$here/pruning/prune_l1.py" "$model" --weights "$work/$model.npz" \
                --epochs "$epochs" --threads "$threads" --data "$data" > "$log" 2>&1 || rc=$?
            ;;
    esac
    end=$(now)
    load_end=$(load1)
    "$python" - "$model" "$round" "$side" "$start" "$end" "$load_start" "$load_end" "$rc" "$log" "$out.report.json" >> "$raw" <<'EOF'
import json, sys
model, rnd, side, start, end, l0, l1, rc, log, report = sys.argv[1:]
rec = {"model": model, "round": int(rnd), "side": side, "wall_s": round(float(end) - float(start), 3),
       "load_start": float(l0), "load_end": float(l1), "exit": int(rc)}
if side == "pytorch":
    lines = [l for l in open(log) if l.startswith("{")]
    if lines:
        d = json.loads(lines[-1])
        rec.update(inner_s=d["seconds"], steps=d["phases"], macs_before=d["macs_before"], macs_after=d["macs_after"],
                   accuracy_before=d["accuracy_before"], accuracy_after=d["accuracy_after"],
                   epoch_loss=d["epoch_loss"], groups={k: v[1] for k, v in d["groups"].items()})
else:
    try:
        r = json.load(open(report))
    except OSError:
        r = None
    if r:
        steps = {s["step"]: s["seconds"] for s in r["steps"]}
        rec.update(inner_s=round(sum(steps.values()), 3), steps=steps,
                   macs_before=r["before"]["macs"], macs_after=r["after"]["macs"],
                   accuracy_before=r["before"]["accuracy"], accuracy_after=r["after"]["accuracy"],
                   epoch_loss=r["fineTune"]["epochLoss"] if r.get("fineTune") else [],
                   groups={g["name"]: g["channelsAfter"] for g in r["groups"] if g["prunable"]},
                   images_per_s=r["fineTune"]["imagesPerSecond"] if r.get("fineTune") else None)
print(json.dumps(rec), flush=True)
EOF
    tail -n 1 "$raw" | "$python" -c 'import json,sys; d=json.load(sys.stdin)
print("  %-20s %8.1f s  accuracy %.4f  load %s->%s  exit %d" % (d["side"], d["wall_s"], d.get("accuracy_after", float("nan")),
      d["load_start"], d["load_end"], d["exit"]))' >&2
}

for model in $models; do
    rounds_var="ROUNDS_$model"; epochs_var="EPOCHS_$model"; nolat_var="NOLATENCY_$model"
    default_rounds=2; [[ $model == resnet20* ]] && default_rounds=1
    rounds="${!rounds_var:-${ROUNDS:-$default_rounds}}"
    epochs="${!epochs_var:-${EPOCHS:-2}}"
    nolatency="${!nolat_var:-1}"
    # Untimed preparation: the weights for PyTorch (a checkpoint it would already have) and the
    # policy with the epoch count of this run.
    "$bench" export-weights "/work/shared/models/$model.onnx" "$work/$model.npz" >/dev/null
    "$python" -c 'import json,sys
p=json.load(open(sys.argv[1])); p["fineTune"]["epochs"]=int(sys.argv[2]); p.pop("$schema", None)
json.dump(p, open(sys.argv[3], "w"), indent=2)' "$here/pruning/$model.policy.json" "$epochs" "$work/$model.policy.json"
    for round in $(seq 1 "$rounds"); do
        sides=(infoprune pytorch)
        (( nolatency )) && sides=(infoprune infoprune-nolatency pytorch)
        if (( round % 2 == 0 )); then
            reversed=(); for (( i=${#sides[@]}-1; i>=0; i-- )); do reversed+=("${sides[i]}"); done; sides=("${reversed[@]}")
        fi
        echo "$model round $round/$rounds ($epochs epochs): ${sides[*]}" >&2
        for side in "${sides[@]}"; do run_side "$model" "$round" "$side" "$epochs"; done
    done
done

"$python" - "$raw" "$results/pruning.json" "$threads" <<'EOF'
import json, statistics, subprocess, sys, platform
raw, out, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
runs = [json.loads(l) for l in open(raw) if l.strip()]
models = list(dict.fromkeys(r["model"] for r in runs))
summary = []
print(f"{'model':9} {'rnd':>3} {'InfoPrune s':>11} {'(no-lat) s':>10} {'PyTorch s':>9} {'ratio':>6} {'(no-lat)':>8}"
      f" {'acc IP':>7} {'acc PT':>7} {'MACs IP':>8} {'MACs PT':>8} {'load':>9}")
for m in models:
    rows = [r for r in runs if r["model"] == m]
    for rnd in sorted({r["round"] for r in rows}):
        side = {r["side"]: r for r in rows if r["round"] == rnd}
        ip, nl, pt = side.get("infoprune"), side.get("infoprune-nolatency"), side.get("pytorch")
        ratio = ip["wall_s"] / pt["wall_s"] if ip and pt else None
        ratio_nl = nl["wall_s"] / pt["wall_s"] if nl and pt else None
        kept = lambda r: r["macs_after"] / r["macs_before"] if r and "macs_after" in r else float("nan")
        loads = [x for r in side.values() for x in (r["load_start"], r["load_end"])]
        print(f"{m:9} {rnd:3d} {ip['wall_s'] if ip else float('nan'):11.1f} {nl['wall_s'] if nl else float('nan'):10.1f}"
              f" {pt['wall_s'] if pt else float('nan'):9.1f} {ratio or float('nan'):6.2f} {ratio_nl or float('nan'):8.2f}"
              f" {ip.get('accuracy_after', float('nan')) if ip else float('nan'):7.4f} {pt.get('accuracy_after', float('nan')) if pt else float('nan'):7.4f}"
              f" {kept(ip):8.3f} {kept(pt):8.3f} {min(loads):4.1f}-{max(loads):<4.1f}")
        summary.append({"model": m, "round": rnd, "ratio": ratio, "ratio_nolatency": ratio_nl,
                        "plans_match": bool(ip and pt and ip.get("groups") and sorted(ip["groups"].values()) == sorted(pt["groups"].values()))})
for m in models:
    ratios = [s["ratio"] for s in summary if s["model"] == m and s["ratio"]]
    if ratios:
        print(f"{m}: median ratio InfoPrune/PyTorch {statistics.median(ratios):.2f} over {len(ratios)} round(s)")
print("per-step seconds (InfoPrune report; PyTorch phases):")
for r in runs:
    print(f"  {r['model']:9} r{r['round']} {r['side']:20} " + " ".join(f"{k}={v:.2f}" for k, v in r.get("steps", {}).items())
          + f"  | outside steps {r['wall_s'] - r.get('inner_s', 0):.2f}")
json.dump({"bench": "pruning", "threads": threads, "host": platform.node(),
           "torch_side": "bench/pruning/prune_l1.py", "summary": summary, "runs": runs}, open(out, "w"), indent=1)
print(f"wrote {out}")
EOF
