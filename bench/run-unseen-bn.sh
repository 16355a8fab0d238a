#!/usr/bin/env bash
# Folded against BN-kept exports of networks InfoPrune has not seen (issue 9): VGG-style,
# Inception-style (Concat) and MobileNet-style (depthwise), each trained here with PyTorch 1.13
# (bench/unseen/make_nets.py) and exported twice from the same weights. Each file is pruned by
# `dotnet infoprune prune` with the same policy (l1 by default, 2 epochs Adam 1e-3 cosine, batch
# 128, seed 42, BatchNorm re-inserted for the folded file by default): with the re-insertion, the
# folded export should end within 0.3 points of the BN export.
#
#   bench/run-unseen-bn.sh     writes bench/results/unseen-bn/*.report.json and runs.jsonl, prints a table
#
# Environment: BUDGETS ("0.5 0.25"), METHODS ("l1"), SEEDS ("42 43 44": the gap is a mean over seeds, one
# run differs from the next by 0.1–0.3 points), EPOCHS (2), TRAIN_EPOCHS (3: training the nets),
# THREADS (2), RESULTS (bench/results/unseen-bn; its runs.jsonl is rewritten), NETS ("vgg inception mobilenet"), NETS_DIR (where the trained nets are kept; made
# when missing, reused when present, so a rerun does not train again).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
python=/usr/bin/python3
threads="${THREADS:-2}"
epochs="${EPOCHS:-2}"
budgets="${BUDGETS:-0.5 0.25}"
methods="${METHODS:-l1}"
seeds="${SEEDS:-42 43 44}"
nets="${NETS:-vgg inception mobilenet}"
nets_dir="${NETS_DIR:-$here/results/unseen-nets}"
results="${RESULTS:-$here/results/unseen-bn}"
mkdir -p "$results" "$nets_dir"

missing=()
for net in $nets; do [[ -e "$nets_dir/${net}_bn.onnx" ]] || missing+=("$net"); done
if (( ${#missing[@]} )); then
    echo "training ${missing[*]} with PyTorch..." >&2
    "$python" "$here/unseen/make_nets.py" "$nets_dir" --epochs "${TRAIN_EPOCHS:-3}" --threads "$threads" \
        --nets "$(IFS=,; echo "${missing[*]}")" >&2
fi

echo "building Release..." >&2
dotnet build "$repo/src/InfoPrune.Tool/InfoPrune.Tool.csproj" -c Release --nologo -v quiet >/dev/null
tool="$repo/src/InfoPrune.Tool/bin/Release/net10.0/dotnet-infoprune.dll"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
raw="$results/runs.jsonl"
: > "$raw"

for budget in $budgets; do
  for method in $methods; do
    for net in $nets; do
     for seed in $seeds; do
      for export in "" "_bn"; do
        name="$net$export"
        run="$name-$method-$budget-s$seed"
        policy="$work/$run.json"
        "$python" - "$here/pruning/resnet20.policy.json" "$method" "$budget" "$epochs" "$policy" "$seed" <<'EOF'
import json, sys
src, method, budget, epochs, out, seed = sys.argv[1:]
p = json.load(open(src))
p.pop("$schema", None)
p["method"] = {"name": method}
p["target"] = {"macs": float(budget)}
p["fineTune"]["epochs"] = int(epochs)
p["seed"] = int(seed)
json.dump(p, open(out, "w"), indent=1)
EOF
        out="$work/$run.onnx"
        report="$results/$run.report.json"
        start=$(date +%s.%N)
        set +e
        dotnet "$tool" prune "$nets_dir/$name.onnx" --policy "$policy" --out "$out" --report "$report" --threads "$threads" --no-latency >"$work/log" 2>&1
        code=$?
        set -e
        wall=$(echo "$(date +%s.%N) - $start" | bc)
        "$python" - "$report" "$net" "$export" "$method" "$budget" "$wall" "$code" "$seed" >>"$raw" <<'EOF'
import json, sys
report, net, export, method, budget, wall, code, seed = sys.argv[1:]
try:
    r = json.load(open(report))
    row = {"net": net, "export": "bn" if export else "folded", "method": method, "budget": float(budget), "seed": int(seed),
           "macs_kept": r["after"]["macs"] / r["before"]["macs"], "before": r["before"]["accuracy"],
           "after": r["after"]["accuracy"], "batchnorm_layers": len(r.get("batchNormLayers") or []),
           "wall_s": round(float(wall), 1), "exit": int(code)}
except Exception as e:  # a failed run still leaves a row, so the table shows it
    row = {"net": net, "export": "bn" if export else "folded", "method": method, "budget": float(budget), "seed": int(seed), "exit": int(code), "error": str(e)}
print(json.dumps(row))
EOF
        tail -n 1 "$raw" >&2
      done
     done
    done
  done
done

"$python" - "$raw" <<'EOF'
import json, sys
from statistics import mean
rows = [json.loads(l) for l in open(sys.argv[1])]
print("| net | method | MACs target | seeds | folded: MACs kept, after (per seed) | BN export: MACs kept, after (per seed) | folded − BN per seed | mean |")
print("|---|---|---|---|---|---|---|---|")
keys = sorted({(r["net"], r["method"], r["budget"]) for r in rows}, key=lambda k: (-k[2], k[1], k[0]))
for net, method, budget in keys:
    seeds = sorted({r["seed"] for r in rows if (r["net"], r["method"], r["budget"]) == (net, method, budget)})
    def find(export, seed):
        return next((r for r in rows if (r["net"], r["method"], r["budget"], r["export"], r["seed"]) == (net, method, budget, export, seed) and "after" in r), None)
    pairs = [(find("folded", s), find("bn", s)) for s in seeds]
    def cell(export_rows):
        ok = [r for r in export_rows if r]
        if not ok:
            return "failed"
        return f'{mean(r["macs_kept"] for r in ok):.3f}, ' + " / ".join(f'{100*r["after"]:.2f}' if r else "failed" for r in export_rows)
    gaps = [100 * (f["after"] - b["after"]) for f, b in pairs if f and b]
    spread = " / ".join(f"{g:+.2f}" for g in gaps) + f" | {mean(gaps):+.2f} |" if gaps else "— | — |"
    print(f"| {net} | {method} | {budget} | {' '.join(map(str, seeds))} | {cell([f for f, _ in pairs])} | {cell([b for _, b in pairs])} | {spread}")
EOF
