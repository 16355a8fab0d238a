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
# Environment: BUDGETS ("0.5 0.25"), METHODS ("l1"), EPOCHS (2), TRAIN_EPOCHS (3: training the nets),
# THREADS (2), NETS ("vgg inception mobilenet"), NETS_DIR (where the trained nets are kept; made
# when missing, reused when present, so a rerun does not train again).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
python=/usr/bin/python3
threads="${THREADS:-2}"
epochs="${EPOCHS:-2}"
budgets="${BUDGETS:-0.5 0.25}"
methods="${METHODS:-l1}"
nets="${NETS:-vgg inception mobilenet}"
nets_dir="${NETS_DIR:-$here/results/unseen-nets}"
results="$here/results/unseen-bn"
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
      for export in "" "_bn"; do
        name="$net$export"
        policy="$work/$name-$method-$budget.json"
        "$python" - "$here/pruning/resnet20.policy.json" "$method" "$budget" "$epochs" "$policy" <<'EOF'
import json, sys
src, method, budget, epochs, out = sys.argv[1:]
p = json.load(open(src))
p.pop("$schema", None)
p["method"] = {"name": method}
p["target"] = {"macs": float(budget)}
p["fineTune"]["epochs"] = int(epochs)
json.dump(p, open(out, "w"), indent=1)
EOF
        out="$work/$name-$method-$budget.onnx"
        report="$results/$name-$method-$budget.report.json"
        start=$(date +%s.%N)
        set +e
        dotnet "$tool" prune "$nets_dir/$name.onnx" --policy "$policy" --out "$out" --report "$report" --threads "$threads" --no-latency >"$work/log" 2>&1
        code=$?
        set -e
        wall=$(echo "$(date +%s.%N) - $start" | bc)
        "$python" - "$report" "$net" "$export" "$method" "$budget" "$wall" "$code" >>"$raw" <<'EOF'
import json, sys
report, net, export, method, budget, wall, code = sys.argv[1:]
try:
    r = json.load(open(report))
    row = {"net": net, "export": "bn" if export else "folded", "method": method, "budget": float(budget),
           "macs_kept": r["after"]["macs"] / r["before"]["macs"], "before": r["before"]["accuracy"],
           "after": r["after"]["accuracy"], "batchnorm_layers": len(r.get("batchNormLayers") or []),
           "wall_s": round(float(wall), 1), "exit": int(code)}
except Exception as e:  # a failed run still leaves a row, so the table shows it
    row = {"net": net, "export": "bn" if export else "folded", "method": method, "budget": float(budget), "exit": int(code), "error": str(e)}
print(json.dumps(row))
EOF
        tail -n 1 "$raw" >&2
      done
    done
  done
done

"$python" - "$raw" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print("| net | method | MACs target | folded: kept / before → after | BN export: kept / before → after | folded − BN |")
print("|---|---|---|---|---|---|")
keys = sorted({(r["net"], r["method"], r["budget"]) for r in rows}, key=lambda k: (k[2], k[1], k[0]))
for net, method, budget in keys:
    f = next((r for r in rows if (r["net"], r["method"], r["budget"], r["export"]) == (net, method, budget, "folded")), None)
    b = next((r for r in rows if (r["net"], r["method"], r["budget"], r["export"]) == (net, method, budget, "bn")), None)
    def cell(r):
        return "failed" if r is None or "after" not in r else f'{r["macs_kept"]:.3f} / {100*r["before"]:.2f} → {100*r["after"]:.2f}'
    gap = f'{100*(f["after"]-b["after"]):+.2f}' if f and b and "after" in f and "after" in b else "—"
    print(f"| {net} | {method} | {budget} | {cell(f)} | {cell(b)} | {gap} |")
EOF
