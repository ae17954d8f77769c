#!/usr/bin/env bash
# Prepares what scripts/gpu-bench.sh carries to the GPU machine: .gpu/ (Node, onnxruntime-node for
# linux-x64, the full-size head graph without weights) and .gl/ (Debian's libvulkan1 and the GL dispatch libraries the NVIDIA Vulkan ICD needs).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .gpu .gl /tmp/amd64/partial
xz -T2 -6 -c "$(command -v node)" > .gpu/node.xz
tar -C node_modules -cJf .gpu/ort-node.tar.xz onnxruntime-common onnxruntime-node/package.json onnxruntime-node/dist onnxruntime-node/lib onnxruntime-node/bin/napi-v6/linux/x64
(cd models && OPENBLAS_NUM_THREADS=1 PYTHONPATH=. /usr/bin/python3 ../scripts/export_bench_head.py ../.gpu/head)
o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
apt-get $o update -qq && (cd .gl && apt-get $o download libvulkan1 libglvnd0 libglx0 libgl1 libegl1 libopengl0 libgles2)
