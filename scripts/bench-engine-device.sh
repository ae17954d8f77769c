#!/usr/bin/env bash
# The engine's device check on the lent GPU machine (it has no Node and no Vulkan loader), with the default
# bundle (HEAR-Lite): `--ep auto` (cuda without its provider libraries, then webgpu over Vulkan), explicit
# webgpu and cpu on the same song (compare their scores with the PyTorch goldens), `--jobs 2` on a GPU
# provider (it crashed the process before the engine ran one song at a time there), the pipeline benchmark
# on webgpu and on cpu pinned to 2 cores like this project's machines, and on cpu pinned to one core (the
# model card's speed goal). Each pipeline run also measures the peak RSS of a fresh process scoring one song
# (`peakRss` in its JSON).
#
# Here:  npm run build && bash scripts/gpu-prepare.sh && npx esbuild scripts/bench.ts --bundle --platform=node \
#          --format=cjs --target=node20 --external:onnxruntime-node --outfile=.gpu/bench.js \
#          && cp dist/*-worker.js dist/cli.js .gpu/
# There (carry .gpu .gl; dist/ with its source maps would take the working tree over the 64 MiB a call
# carries): bash scripts/bench-engine-device.sh   (all results in $OUT/engine-device.tgz: the lent machine
# sends back 8 files at most)
set -uo pipefail
RESULTS=/tmp/engine-device
LOGS=$RESULTS/logs
mkdir -p "$LOGS" /tmp/n node_modules dist
cp .gpu/*-worker.js .gpu/cli.js dist/
lscpu | grep -E 'Model name|^CPU\(s\)' > "$RESULTS/lscpu.txt"
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
  timeout 120 $N dist/cli.js score --ep $ep -v --no-store --json $SONG > "$RESULTS/$ep.json" 2> "$LOGS/$ep.err"
  echo "$ep rc=$?"; grep -v XDG "$LOGS/$ep.err" | tail -2
done
cp $SONG /tmp/copy-1.wav && cp $SONG /tmp/copy-2.wav
for ep in webgpu auto; do
  timeout 120 $N dist/cli.js score --ep $ep --jobs 2 -v --no-store --json $SONG /tmp/copy-*.wav > "$RESULTS/jobs2-$ep.json" 2> "$LOGS/jobs2-$ep.err"
  echo "jobs 2 $ep rc=$?"; grep -v XDG "$LOGS/jobs2-$ep.err" | tail -3
done
for ep in webgpu cpu; do
  timeout 200 taskset -c 0,1 $N .gpu/bench.js --only pipeline --json --songs 4 --ep $ep > "$RESULTS/bench-$ep.json"
  echo "bench $ep rc=$?"; grep -A6 '"medianMs"' "$RESULTS/bench-$ep.json"
done
timeout 100 taskset -c 0 $N .gpu/bench.js --only pipeline --json --ep cpu > "$RESULTS/bench-cpu-1core.json"
echo "bench cpu, one core rc=$?"; grep -A6 '"medianMs"' "$RESULTS/bench-cpu-1core.json"
tar -C /tmp -czf "${OUT:-.}/engine-device.tgz" engine-device
