#!/usr/bin/env bash
# The engine's device check on the lent GPU machine (it has no Node and no Vulkan loader), with the default
# bundle (HEAR-Lite): `--ep auto` (cuda without its provider libraries, then webgpu over Vulkan), explicit
# webgpu and cpu on the same song (compare their scores with the PyTorch goldens), `--jobs 2` on a GPU
# provider (it crashed the process before the engine ran one song at a time there), then the pipeline
# benchmark on webgpu and on cpu, pinned to 2 cores like this project's machines.
#
# Here:  bash scripts/gpu-prepare.sh && npm run build && npx esbuild scripts/bench.ts --bundle --platform=node \
#          --format=cjs --target=node20 --external:onnxruntime-node --outfile=.gpu/bench.js && cp dist/*-worker.js .gpu/
# There (carry .gpu .gl dist): bash scripts/bench-engine-device.sh   (results in $OUT)
set -uo pipefail
OUT=${OUT:-/tmp/engine-device}
LOGS=/tmp/engine-device-logs  # stderr stays there: the lent machine sends back 8 files at most
mkdir -p "$OUT" "$LOGS" /tmp/n node_modules
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}
for f in .gl/*.deb; do dpkg -x "$f" /; done
ldconfig
export VK_DRIVER_FILES=${VK_DRIVER_FILES:-/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json}
xz -dc .gpu/node.xz > /tmp/n/node && chmod +x /tmp/n/node
tar -C node_modules -xJf .gpu/ort-node.tar.xz
N=/tmp/n/node
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
SONG=test/fixtures/audio/song-75s.wav
for ep in auto webgpu cpu; do
  timeout 120 $N dist/cli.js score --ep $ep -v --no-store --json $SONG > "$OUT/$ep.json" 2> "$LOGS/$ep.err"
  echo "$ep rc=$?"; grep -v XDG "$LOGS/$ep.err" | tail -2
done
cp $SONG /tmp/copy-1.wav && cp $SONG /tmp/copy-2.wav
for ep in webgpu auto; do
  timeout 120 $N dist/cli.js score --ep $ep --jobs 2 -v --no-store --json $SONG /tmp/copy-*.wav > "$OUT/jobs2-$ep.json" 2> "$LOGS/jobs2-$ep.err"
  echo "jobs 2 $ep rc=$?"; grep -v XDG "$LOGS/jobs2-$ep.err" | tail -3
done
for ep in webgpu cpu; do
  timeout 200 taskset -c 0,1 $N .gpu/bench.js --only pipeline --json --songs 4 --ep $ep > "$OUT/bench-$ep.json"
  echo "bench $ep rc=$?"; grep -A6 '"medianMs"' "$OUT/bench-$ep.json"
done
