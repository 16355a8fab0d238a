#!/usr/bin/env bash
# Training throughput of InfoPrune's graph executor vs PyTorch, and eval throughput of the executor
# vs ONNX Runtime, measured in the same run (the machine is shared: only same-moment figures compare).
#
#   bench/run-training.sh            build Release, run everything twice, print tables,
#                                    write bench/results/training.json
#   bench/run-training.sh --setup    first install what the baseline needs (Debian 12, root):
#                                    apt-get install -y python3-torch libopenblas0-openmp dataset-fashion-mnist
#
# Environment: RUNS (default 2), THREADS (2), MODELS ("lenet5 resnet20_bn resnet20"),
# TRAIN_ARGS (extra options for the training command, e.g. "--steps 60 --warmup 10").
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
# Debian's interpreter: a pyenv or venv python first on PATH usually has no torch.
python=/usr/bin/python3
runs="${RUNS:-2}"
threads="${THREADS:-2}"
models="${MODELS:-lenet5 resnet20_bn resnet20}"
results="$here/results"

if [[ "${1:-}" == "--setup" ]]; then
    # libopenblas0-openmp: without it Debian's torch falls back to the reference BLAS and its
    # linear layers become the bottleneck, which would flatter InfoPrune.
    apt-get update
    apt-get install -y python3-torch libopenblas0-openmp dataset-fashion-mnist
fi
if ! "$python" -c 'import torch' 2>/dev/null; then
    echo "error: $python cannot import torch; run: sudo $0 --setup" >&2
    exit 2
fi
if [[ ! -e /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]]; then
    echo "error: Fashion-MNIST missing; run: sudo $0 --setup" >&2
    exit 2
fi

dotnet build "$here/InfoPrune.Bench/InfoPrune.Bench.csproj" -c Release --nologo -v quiet >/dev/null
bench="$here/InfoPrune.Bench/bin/Release/net10.0/InfoPrune.Bench"
mkdir -p "$results"
raw="$(mktemp)"
trap 'rm -f "$raw"' EXIT

tag() { "$python" -c 'import json,sys
run=int(sys.argv[1])
for line in sys.stdin:
    if line.startswith("{"):
        d=json.loads(line); d["run"]=run; print(json.dumps(d), flush=True)' "$1"; }

for run in $(seq 1 "$runs"); do
    echo "run $run/$runs: training (InfoPrune, PyTorch and a hand-written TorchSharp twin, interleaved)..." >&2
    # shellcheck disable=SC2086
    "$bench" training $models --threads "$threads" --pytorch "$python" \
        --script "$here/pytorch/train_throughput.py" --twin 1 ${TRAIN_ARGS:-} | tag "$run" >> "$raw"
    # Eval sides run in separate processes: ORT's and libtorch's idle pool threads spin-wait,
    # and in one process each slows the other down several-fold. The order alternates per run.
    sides=(infoprune ort); (( run % 2 == 0 )) && sides=(ort infoprune)
    for side in "${sides[@]}"; do
        echo "run $run/$runs: eval ($side)..." >&2
        # shellcheck disable=SC2086
        "$bench" eval $models --threads "$threads" --side "$side" | tag "$run" >> "$raw"
    done
done

"$python" "$here/report.py" "$raw" "$results/training.json"
