#!/usr/bin/env bash
# The information methods against l1 and random after fine-tuning, in one run: every model x MACs
# target x method is pruned by `dotnet infoprune prune` (2 epochs Adam 1e-3, cosine, batch 128,
# seed 42, roundTo 1, --no-latency), each finished run appended at once to a JSON-lines file
# (a killed run resumes where it stopped), then the table is printed (report.py).
#
#   bench/information/run.sh                 the whole table (resnet20 runs take minutes each)
#   MODELS="lenet5 mlp" bench/information/run.sh
#
# Environment: MODELS ("lenet5 mlp resnet20 resnet20_bn"), TARGETS ("0.5 0.25 0.08"), METHODS
# (every information method with its defaults, l1, random, both with allocation by sensitivity, and
# mutual-information and hybrid ranked with weight magnitude; a spec is NAME[@ALLOCATION][+KEY=JSON...], see run.py), EPOCHS ("2"; "0 2" adds
# the accuracy right after surgery), THREADS (1), SEED (42), RESULTS (bench/results/information/runs.jsonl),
# MODEL_DIR (/work/shared/models; e.g. bench/results/unseen-nets after bench/run-unseen-bn.sh has
# trained the VGG-, Inception- and MobileNet-style nets: MODELS="vgg inception mobilenet").
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
data=/usr/share/datasets/fashion-mnist
models="${MODELS:-lenet5 mlp resnet20 resnet20_bn}"
targets="${TARGETS:-0.5 0.25 0.08}"
methods="${METHODS:-l1 random l1@sensitivity entropy mutual-information kl-selectivity js-separation labeled-mi hybrid mutual-information@sensitivity mutual-information+magnitude=\"rank\" hybrid+magnitude=\"rank\"}"
epochs="${EPOCHS:-2}"
threads="${THREADS:-1}"
seed="${SEED:-42}"
results="${RESULTS:-$repo/bench/results/information/runs.jsonl}"
model_dir="${MODEL_DIR:-/work/shared/models}"

if [[ ! -e "$data/train-images-idx3-ubyte.gz" ]]; then
    echo "error: Fashion-MNIST missing at $data (apt-get install dataset-fashion-mnist)" >&2
    exit 2
fi
echo "building Release..." >&2
dotnet build "$repo/src/InfoPrune.Tool/InfoPrune.Tool.csproj" -c Release --nologo -v quiet >/dev/null
# A copy of the managed files, so that rebuilding the tree during a long run does not change the
# tool under it; the native runtimes (1.4 GB, never rebuilt) are linked, not copied.
build="$repo/src/InfoPrune.Tool/bin/Release/net10.0"
tool="$(mktemp -d)"
trap 'rm -rf "$tool"' EXIT
find "$build" -maxdepth 1 -type f -exec cp {} "$tool/" \;
ln -s "$build/runtimes" "$tool/runtimes"
mkdir -p "$(dirname "$results")"

python3 "$here/run.py" --tool "$tool/dotnet-infoprune.dll" --results "$results" --models "$models" \
    --targets "$targets" --methods "$methods" --epochs "$epochs" --threads "$threads" --seed "$seed" --model-dir "$model_dir"
for e in $epochs; do
    echo
    echo "accuracy (%) after $e epoch(s) of fine-tuning; in brackets the MACs kept when off the target by more than a point"
    python3 "$here/report.py" "$results" --epochs "$e" --seed "$seed" --methods "$methods"
done
