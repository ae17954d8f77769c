"""Exports the full-size HEAR Track 2 head (random weights) for scripts/bench-webgpu.cjs.

The weights go to an external data file that is NOT kept: <graph>.layout.json records where each
tensor lies in it, so the GPU machine regenerates random weights instead of receiving ~250 MB.

    cd models && /usr/bin/python3 ../scripts/export_bench_head.py OUT_DIR
"""

import json
import sys
from pathlib import Path

import onnx
import torch

from hear_tools.export import export_head
from hear_tools.head import HeadConfig, HearHead


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    head = HearHead(HeadConfig.for_track(2))
    graph = out / "head.onnx"
    export_head(head, graph, validate=False)
    model = onnx.load(str(graph))
    location = "head.onnx.data"
    onnx.save_model(model, str(graph), save_as_external_data=True, all_tensors_to_one_file=True, location=location, size_threshold=1024)
    tensors = []
    for init in onnx.load(str(graph), load_external_data=False).graph.initializer:
        info = {e.key: e.value for e in init.external_data}
        if "offset" in info:
            dtype = onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[init.data_type].name
            tensors.append({"name": init.name, "dtype": dtype, "offset": int(info["offset"]), "length": int(info["length"])})
    size = max(t["offset"] + t["length"] for t in tensors)
    layout = {"location": location, "bytes": size, "inputDim": head.cfg.input_dim_raw, "tensors": tensors}
    (out / "head.onnx.layout.json").write_text(json.dumps(layout))
    (out / location).unlink()
    print(f"{graph}: {len(tensors)} external tensors, {size / 2**20:.1f} MiB of weights to regenerate")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
