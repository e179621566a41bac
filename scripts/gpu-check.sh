#!/usr/bin/env bash
# GPU check of the native backend (issue 16), for a machine with an NVIDIA GPU and driver: builds
# @tensorflow/tfjs-node-gpu against TensorFlow's CUDA wheel and NVIDIA's nvidia-* wheels from pip
# (`srl setup tensorflow --gpu`), checks that TensorFlow created a GPU device, runs the policy test suite on it and
# the policy benchmark (train step, generation) on tensorflow and wasm. Everything it prints lands in OUT_DIR.
# Usage: scripts/gpu-check.sh [OUT_DIR]   (default: $OUT, else /tmp/srl-gpu-check)
#   TF_WHEEL=/path/tensorflow-*.whl   use this wheel instead of pip's (the CUDA wheels still come from pip)
#   TF_VERSION=2.21                   TensorFlow version for pip
# Needs: nvidia-smi, python3 with pip and indexes that hold `tensorflow` and its nvidia-* wheels, g++, make, Node 20+
# with its headers. Exit status: 0 when every step passed; the first failing step stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-${OUT:-/tmp/srl-gpu-check}}"
mkdir -p "$out"
P="npx -y pnpm@12.4.2"
step() { echo "== $1 ($(date -u +%T))" | tee -a "$out/steps.txt"; }

step "GPU and driver"
nvidia-smi 2>&1 | tee "$out/nvidia-smi.txt"
[ -d node_modules/.pnpm ] || $P install --frozen-lockfile 2>&1 | tail -3

step "srl setup tensorflow --gpu"
setup=(--gpu --tf-version "${TF_VERSION:-2.21}")
[ -n "${TF_WHEEL:-}" ] && setup+=(--wheel "$TF_WHEEL")
{ time $P srl setup tensorflow "${setup[@]}"; } > "$out/setup.txt" 2>&1 || { tail -30 "$out/setup.txt"; exit 1; }
tail -3 "$out/setup.txt"

step "device check (srl doctor)"
$P srl doctor 2>&1 | tee "$out/doctor.txt"
grep -q 'tfjs-node-gpu: TensorFlow .*uses the GPU' "$out/doctor.txt" || { echo "TensorFlow created no GPU device (see $out/doctor.txt)"; exit 1; }

step "policy suite on tensorflow (GPU)"
SRL_BACKEND=tensorflow $P vitest run --project policies > "$out/policy-suite.txt" 2>&1 || { tail -40 "$out/policy-suite.txt"; exit 1; }
tail -6 "$out/policy-suite.txt"

step "benchmark: policy train step and generation, tensorflow (GPU) then wasm"
$P bench policy --backend tensorflow 2>&1 | tee "$out/bench-tensorflow.txt"
$P bench policy --backend wasm 2>&1 | tee "$out/bench-wasm.txt"
step "done: results in $out"
