#!/usr/bin/env bash
# One-time machine set-up for InfoPrune on Debian 12 (idempotent: installs only what is missing).
#   - dataset-fashion-mnist: the data the sample, the tests and the benchmarks use.
#   - libonnx-testdata: the ONNX project's backend node tests, which the conformance tests run
#     through the executor (tests/InfoPrune.Core.Tests/Conformance).
#   - python3-torch + libopenblas0-openmp: only for the PyTorch baselines in bench/ (pass --bench).
# The .NET SDK is assumed present; NuGet packages come with the first build.
set -euo pipefail

packages=(dataset-fashion-mnist libonnx-testdata)
if [[ "${1:-}" == "--bench" ]]; then
  packages+=(python3-torch libopenblas0-openmp)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done

if (( ${#missing[@]} > 0 )); then
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  echo "infoprune setup: installing ${missing[*]}" >&2
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi
