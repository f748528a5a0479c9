"""Runs an ONNX model once in ONNX Runtime (CPU) for `webnn compare`:

    ort_run.py MODEL OUT_DIR NAME=FILE.npy ...

Each input is converted to the element type the model declares (bool and double inputs arrive
as uint8 and float32). Writes OUT_DIR/ort.json with each output's .npy file and the time of one
run after a warm-up run.
"""

import json
import os
import sys
import time

import numpy as np
import onnxruntime as ort

TYPES = {"tensor(bool)": np.bool_, "tensor(double)": np.float64, "tensor(float)": np.float32,
         "tensor(float16)": np.float16, "tensor(int64)": np.int64, "tensor(int32)": np.int32,
         "tensor(int16)": np.int16, "tensor(int8)": np.int8, "tensor(uint8)": np.uint8,
         "tensor(uint16)": np.uint16, "tensor(uint32)": np.uint32, "tensor(uint64)": np.uint64}


def main():
    model, out = sys.argv[1], sys.argv[2]
    files = dict(arg.split("=", 1) for arg in sys.argv[3:])
    session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
    feeds = {}
    for i in session.get_inputs():
        if i.name not in files:
            sys.exit(f"ort_run: no value for input {i.name}")
        feeds[i.name] = np.load(files[i.name]).astype(TYPES.get(i.type, np.float32))
    names = [o.name for o in session.get_outputs()]
    session.run(names, feeds)
    start = time.perf_counter()
    results = session.run(names, feeds)
    seconds = time.perf_counter() - start
    outputs = []
    for k, (name, value) in enumerate(zip(names, results)):
        file = os.path.join(out, f"ort.{k}.npy")
        np.save(file, np.asarray(value))
        outputs.append(dict(name=name, file=file))
    with open(os.path.join(out, "ort.json"), "w") as f:
        json.dump(dict(outputs=outputs, seconds=seconds), f)


if __name__ == "__main__":
    main()
