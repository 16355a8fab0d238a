#!/usr/bin/env bash
# Latency ratio against MACs ratio of pruned models (issue 10): does the pruned model run faster
# in ONNX Runtime, not only smaller?
#
#   bench/run-latency.sh [models...]   build Release; per model, prune with l1 at each MACs budget
#                                      with "roundTo": 1 and "auto", and with target.latency; print
#                                      a table, write bench/results/latency.jsonl
#
# Each run is the real pipeline (InfoPrune.Bench latency calls it in-process): the report's latency
# is the original and the pruned file timed in one process, interleaved, at batch 1 and 64. Each
# emitted file is then timed again by a plain ONNX Runtime loop in the bench (none of the tool's
# timing code) as an independent check. Models: lenet5 and resnet20 from ../shared/models, the
# fixtures (mobilenet, vgg_bn, inception) and "depthwise", a MobileNet-style net the bench builds.
# Environment: THREADS (1), BUDGETS (0.75,0.5,0.25), EPOCHS (0; fine-tuning changes no width),
# TRAIN_SAMPLES (0 = all; with EPOCHS > 0 a subset keeps accuracy runs short), LATENCY_TARGETS (0.5).
# The width table is cached as for any user (INFOPRUNE_CACHE_DIR to keep it elsewhere). The
# machine should be quiet: medians and quartiles survive some noise, not a saturated machine.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
shared="$(cd "$repo/.." && pwd)/shared/models"
mkdir -p "$here/results"
echo "building Release..." >&2
dotnet build "$here/InfoPrune.Bench/InfoPrune.Bench.csproj" -c Release --nologo -v quiet >/dev/null
cd "$repo"
(( $# > 0 )) || set -- lenet5 resnet20 depthwise
dotnet "$here/InfoPrune.Bench/bin/Release/net10.0/InfoPrune.Bench.dll" latency "$@" \
    --models "$shared" --fixtures tests/InfoPrune.Core.Tests/Fixtures \
    --threads "${THREADS:-1}" --budgets "${BUDGETS:-0.75,0.5,0.25}" --epochs "${EPOCHS:-0}" \
    --train-samples "${TRAIN_SAMPLES:-0}" --latency-targets "${LATENCY_TARGETS:-0.5}" \
    | tee -a "$here/results/latency.jsonl"
