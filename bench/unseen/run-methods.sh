#!/usr/bin/env bash
# The information methods on networks they were not written against (issues 11, 12, 13 and the
# information measures): each runs on the folded export of the VGG-, Inception- (Concat) and
# MobileNet-style (depthwise, ReLU6) nets of bench/unseen/make_nets.py and must end in a valid,
# smaller model, or refuse a group with a stated reason. Each output is then run in ONNX Runtime
# (`infoprune eval --runtime ort`), so "valid" means what ships, not only what TorchSharp accepts.
#
#   bench/unseen/run-methods.sh     appends to bench/results/unseen-bn/methods.jsonl, prints a table
#
# Runs: cmi, mipp and mutual-information at about 25% of MACs, mipp with "target": "auto", ib-gates
# at 25% of MACs with 1 gate epoch and IB_FT_EPOCHS (1) fine-tuning epochs. The others fine-tune FT_EPOCHS (0): this
# checks that the methods run to a valid model, not how accurate they are. Adam 1e-3 cosine, batch
# 128, seed 42, 512 calibration samples, no accuracy gate. A run already in methods.jsonl is skipped, so a rerun resumes.
#
# Environment: NETS ("inception mobilenet vgg"), NETS_DIR (the trained nets; run
# bench/run-unseen-bn.sh or make_nets.py first), FT_EPOCHS (0), IB_FT_EPOCHS (1), THREADS (2), RUNS (all, or a
# space-separated subset of: cmi mipp mipp-auto ib-gates mutual-information, or l1 as the reference).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
python=/usr/bin/python3
threads="${THREADS:-2}"
ft_epochs="${FT_EPOCHS:-0}"
ib_ft_epochs="${IB_FT_EPOCHS:-1}"
nets="${NETS:-inception mobilenet vgg}"
runs="${RUNS:-cmi mipp mipp-auto ib-gates mutual-information}"
nets_dir="${NETS_DIR:-$repo/bench/results/unseen-nets}"
results="$repo/bench/results/unseen-bn"
data=/usr/share/datasets/fashion-mnist
mkdir -p "$results"

tool="$repo/src/InfoPrune.Tool/bin/Release/net10.0/dotnet-infoprune.dll"
[[ -e "$tool" ]] || dotnet build "$repo/src/InfoPrune.Tool/InfoPrune.Tool.csproj" -c Release --nologo -v quiet >/dev/null
work="${WORK:-$(mktemp -d)}"
raw="$results/methods.jsonl"
touch "$raw"

for net in $nets; do
  for run in $runs; do
    name="$net-$run"
    if grep -q "\"name\": \"$name\"" "$raw"; then echo "(kept) $name" >&2; continue; fi
    epochs=$ft_epochs
    [[ $run == ib-gates ]] && epochs=$ib_ft_epochs
    "$python" - "$work/$name.policy.json" "$run" "$epochs" "$data" <<'EOF'
import json, sys
out, run, epochs, d = sys.argv[1:]
method = {"name": "mipp" if run.startswith("mipp") else run}
if run == "ib-gates":
    method["epochs"] = 1
target = "auto" if run == "mipp-auto" else {"macs": 0.25}
json.dump({
    "version": 1,
    "data": {
        "train": {"images": f"{d}/train-images-idx3-ubyte.gz", "labels": f"{d}/train-labels-idx1-ubyte.gz"},
        "validation": {"images": f"{d}/t10k-images-idx3-ubyte.gz", "labels": f"{d}/t10k-labels-idx1-ubyte.gz"},
        "calibration": {"from": "train", "samples": 512},
    },
    "method": method,
    "target": target,
    "fineTune": {"epochs": int(epochs), "batchSize": 128, "optimizer": {"name": "adam", "lr": 0.001}, "schedule": "cosine"},
    "gate": {"maxDrop": 1.0},
    "seed": 42,
}, open(out, "w"), indent=1)
EOF
    echo "$name ..." >&2
    start=$(date +%s.%N)
    set +e
    dotnet "$tool" prune "$nets_dir/$net.onnx" --policy "$work/$name.policy.json" --out "$work/$name.onnx" \
        --report "$work/$name.report.json" --threads "$threads" --no-latency >"$work/$name.log" 2>&1
    code=$?
    wall=$(echo "$(date +%s.%N) - $start" | bc)
    ort_code=-1
    if [[ -e "$work/$name.onnx" ]]; then
        dotnet "$tool" eval "$work/$name.onnx" --images "$data/t10k-images-idx3-ubyte.gz" --labels "$data/t10k-labels-idx1-ubyte.gz" \
            --runtime ort --json --threads "$threads" >"$work/$name.ort.json" 2>"$work/$name.ort.log"
        ort_code=$?
    fi
    set -e
    mkdir -p "$results/methods"
    cp "$work/$name".report.json "$work/$name".report.md "$results/methods/" 2>/dev/null || true
    "$python" - "$raw" "$name" "$net" "$run" "$epochs" "$code" "$wall" "$ort_code" "$work/$name" <<'EOF'
import json, sys
raw, name, net, run, epochs, code, wall, ort_code, base = sys.argv[1:]
row = {"name": name, "net": net, "run": run, "fine_tune_epochs": int(epochs), "exit": int(code),
       "wall_s": round(float(wall), 1), "ort_exit": int(ort_code)}
try:
    r = json.load(open(base + ".report.json"))
    row.update(macs_kept=r["after"]["macs"] / r["before"]["macs"], params_kept=r["after"]["parameters"] / r["before"]["parameters"],
               before=r["before"]["accuracy"], after=r["after"]["accuracy"], outcome=r.get("outcome"),
               groups_pruned=sum(1 for g in r["groups"] if g["channelsAfter"] < g["channelsBefore"]),
               groups_refused=[{"name": g["name"], "why": g.get("why")} for g in r["groups"] if not g.get("prunable", True)],
               warnings=r.get("warnings") or [])
    if r.get("methodTraining"):
        row["method_training_s"] = r["methodTraining"]["seconds"]
    if r.get("fineTune"):
        row["fine_tune_s"] = r["fineTune"]["seconds"]
except Exception as e:  # a failed run still leaves a row, with the end of its log
    row["error"] = str(e)
    try:
        row["log_tail"] = open(base + ".log").read()[-1500:]
    except OSError:
        pass
try:
    row["ort_accuracy"] = json.load(open(base + ".ort.json"))["accuracy"]
except Exception:
    try:
        row["ort_log_tail"] = open(base + ".ort.log").read()[-1500:]
    except OSError:
        pass
with open(raw, "a") as f:
    f.write(json.dumps(row) + "\n")
print(json.dumps(row))
EOF
  done
done

"$python" - "$raw" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print("| net | run | exit | MACs kept | params kept | before → after (torch) | after (ORT) | wall s | refused groups |")
print("|---|---|---|---|---|---|---|---|---|")
for r in rows:
    if "after" not in r:
        print(f'| {r["net"]} | {r["run"]} | {r["exit"]} | failed | | | | {r["wall_s"]} | |')
        continue
    ort = f'{100*r["ort_accuracy"]:.2f}' if "ort_accuracy" in r else f'failed ({r["ort_exit"]})'
    print(f'| {r["net"]} | {r["run"]} | {r["exit"]} | {r["macs_kept"]:.3f} | {r["params_kept"]:.3f} | '
          f'{100*r["before"]:.2f} → {100*r["after"]:.2f} | {ort} | {r["wall_s"]} | {len(r["groups_refused"])} |')
EOF
