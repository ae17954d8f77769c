#!/usr/bin/env bash
# The engine's device check, as run on the lent H200 machine for docs/bench/engine-pipeline-h200-2cores.json:
# `--ep auto` on a GPU machine (cuda without its provider libraries, then webgpu over Vulkan), explicit
# webgpu and cpu on the same song (compare the scores), and the pipeline benchmark pinned to 2 cores.
#
# Here:  bash scripts/gpu-prepare.sh && npm run build && npx esbuild scripts/bench.ts --bundle --platform=node \
#          --format=cjs --target=node20 --external:onnxruntime-node --outfile=.gpu/bench.js && cp dist/*-worker.js .gpu/
# There (carry .gpu .gl dist): bash scripts/bench-engine-device.sh   (results in $OUT)
set -uo pipefail
OUT=${OUT:-/tmp/engine-device}
mkdir -p "$OUT" /tmp/n node_modules
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}
for f in .gl/*.deb; do dpkg -x "$f" /; done
ldconfig
export VK_DRIVER_FILES=${VK_DRIVER_FILES:-/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json}
xz -dc .gpu/node.xz > /tmp/n/node && chmod +x /tmp/n/node
tar -C node_modules -xJf .gpu/ort-node.tar.xz
N=/tmp/n/node
SONG=test/fixtures/audio/song-75s.wav
for ep in auto webgpu cpu; do
  timeout 120 $N dist/cli.js score --ep $ep -v --no-store -m test/fixtures/tiny-hear --json $SONG > "$OUT/$ep.json" 2> "$OUT/$ep.err"
  echo "$ep rc=$?"; tail -2 "$OUT/$ep.err"
done
timeout 300 taskset -c 0,1 $N .gpu/bench.js --only pipeline --json --songs 6 > "$OUT/bench-2cores.json"; echo "bench rc=$?"
grep -A7 '"jobs"' "$OUT/bench-2cores.json"
