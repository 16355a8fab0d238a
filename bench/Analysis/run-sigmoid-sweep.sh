#!/usr/bin/env bash
# The neuron-importance paper's sigmoid-MLP claims, checked on Fashion-MNIST over several training
# recipes and seeds (see sigmoid_sweep.py): trains the nets with PyTorch 1.13, runs
# `infoprune analyze` and `infoprune prune` on each, replays every analysis in numpy, and writes
# bench/results/sigmoid-sweep.md (+ .json). About 8 minutes on 2 cores with the default 3 seeds (measured 2026-11-23).
#
#   bench/Analysis/run-sigmoid-sweep.sh [SEEDS]      e.g. 1,2,3 (default) or 1
# Environment: WORK (scratch folder for nets and analyses; default /tmp/infoprune-sigmoid-sweep).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
work="${WORK:-/tmp/infoprune-sigmoid-sweep}"
if ! /usr/bin/python3 -c 'import torch, numpy' 2>/dev/null; then
    echo "error: /usr/bin/python3 cannot import torch; run: sudo bench/run-training.sh --setup" >&2
    exit 2
fi
echo "building Release..." >&2
dotnet build "$repo/src/InfoPrune.Tool/InfoPrune.Tool.csproj" -c Release --nologo -v quiet >/dev/null
tool="$repo/src/InfoPrune.Tool/bin/Release/net10.0/dotnet-infoprune.dll"
/usr/bin/python3 "$here/sigmoid_sweep.py" "$tool" "$work" "${1:-1,2,3}"
mkdir -p "$repo/bench/results"
cp "$work/sigmoid-sweep.md" "$work/sigmoid-sweep.json" "$repo/bench/results/"
echo "wrote bench/results/sigmoid-sweep.md" >&2
