#!/usr/bin/env bash
# Run on the lent GPU machine (it has no Node and no Vulkan loader): unpacks a carried Node binary,
# onnxruntime-node and libvulkan1, then times the full-size head on WebGPU (Vulkan) vs CPU.
# Prepared here by scripts/gpu-prepare.sh; see docs/gpu.md.
set -euo pipefail
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}
for f in .gl/*.deb; do dpkg -x "$f" /; done
ldconfig
export VK_DRIVER_FILES=${VK_DRIVER_FILES:-/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json}
mkdir -p /tmp/gpu/node /tmp/gpu/node_modules
xz -dc .gpu/node.xz > /tmp/gpu/node/node && chmod +x /tmp/gpu/node/node
tar -C /tmp/gpu/node_modules -xJf .gpu/ort-node.tar.xz
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
ls "$VK_DRIVER_FILES" || ls /usr/share/vulkan/icd.d /etc/vulkan/icd.d 2>/dev/null || true
/tmp/gpu/node/node --version
/tmp/gpu/node/node scripts/bench-webgpu.cjs --ort /tmp/gpu/node_modules/onnxruntime-node --graph .gpu/head/head.onnx --frames "${FRAMES:-4500}" --runs "${RUNS:-10}"
