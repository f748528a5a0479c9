"""The sentence-embedding model end to end through the Python package: paraphrase-MiniLM-L3-v2
(the real ONNX model the Swift ONNX tests import) loaded with ctx.load_onnx, fed token ids from
a WordPiece tokenizer (wordpiece.py) over the uncased BERT vocabulary, mean-pooled over the
attention mask and L2-normalized in NumPy; compared with ONNX Runtime running the same file.

The files come as the Swift model tests get them: the vocabulary from all-MiniLM-L6-v2
($WEBNN_MINILM_DIR, else tools/models/fetch-minilm.sh; both MiniLM models use the same 30522
uncased BERT word pieces), the ONNX model and ONNX Runtime from tools/onnxruntime/ort-python.sh's
virtual environment. Both install with pip on first use; without python3-venv or the network
these tests skip, unless WEBNN_MODEL_TESTS=required (as `make test` sets) makes that a failure."""

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

from wordpiece import WordPieceTokenizer

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = os.environ.get("WEBNN_MODEL_TESTS") == "required"
# A paraphrase pair, an unrelated sentence, and a short one with accents and punctuation, so
# that rows of the batch carry padding.
SENTENCES = [
    "A man is playing a guitar on stage.", "A musician performs a song with his guitar.",
    "The stock market fell sharply on Monday.", "Café crème brûlée — très bon!",
]


def unavailable(why: str):
    if REQUIRED:
        pytest.fail(f"{why}, and WEBNN_MODEL_TESTS=required")
    pytest.skip(why)


def script(path, *arguments):
    """Runs one of the project's fetch scripts; exit status 3 (no python3 venv module) and 4
    (pip failed: no network) mean the prerequisites are missing."""
    result = subprocess.run(["bash", str(ROOT / path), *map(str, arguments)], stdout=subprocess.PIPE, text=True)
    if result.returncode in (3, 4):
        unavailable(f"{path} exited with status {result.returncode} (python3-venv or the network missing)")
    assert result.returncode == 0, f"{path} failed with status {result.returncode}"
    return result.stdout


@pytest.fixture(scope="module")
def tokenizer():
    directory = os.environ.get("WEBNN_MINILM_DIR") or script("tools/models/fetch-minilm.sh").strip()
    return WordPieceTokenizer.from_file(Path(directory) / "vocab.txt")


def test_tokenizer_matches_the_reference_ids(tokenizer):
    references = json.loads((ROOT / "Tests/WebNNTests/Data/minilm-tokenizer.json").read_text())
    for key, max_length in [("maxLength256", 256), ("maxLength10", 10)]:
        assert len(references[key]) > 2
        for reference in references[key]:
            assert tokenizer.encode(reference["text"], max_length) == reference["ids"], (key, reference["text"])


def mean_pool_and_normalize(tokens, mask):
    """sentence-transformers' mean pooling (padding left out), then unit length."""
    weights = mask[:, :, None].astype(np.float64)
    mean = (tokens.astype(np.float64) * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
    return mean / np.maximum(np.linalg.norm(mean, axis=1, keepdims=True), 1e-12)


def relative_error(ours, theirs):
    """The largest absolute difference over the reference's largest magnitude."""
    return float(np.max(np.abs(ours.astype(np.float64) - theirs)) / np.max(np.abs(theirs)))


def test_paraphrase_minilm_agrees_with_onnx_runtime(ctx, tokenizer, tmp_path, summary_lines):
    rows = [tokenizer.encode(s, 128) for s in SENTENCES]
    length = max(map(len, rows))
    ids = np.array([r + [tokenizer.pad] * (length - len(r)) for r in rows], dtype=np.int64)
    mask = np.array([[1] * len(r) + [0] * (length - len(r)) for r in rows], dtype=np.int64)
    assert mask.min() == 0, "some row must carry padding"
    np.save(tmp_path / "ids.npy", ids)
    np.save(tmp_path / "mask.npy", mask)
    script("tools/onnxruntime/ort-python.sh", ROOT / "python/tests/minilm_reference.py", tmp_path / "ids.npy",
           tmp_path / "mask.npy", tmp_path)
    reference = json.loads((tmp_path / "reference.json").read_text())
    theirs = {name: np.load(tmp_path / file) for name, file in reference["outputs"].items()}

    graph = ctx.load_onnx(reference["model"], dimensions={"batch_size": len(rows), "sequence_length": length})
    ours = ctx.compute(graph, {"input_ids": ids, "attention_mask": mask})
    assert sorted(ours) == sorted(theirs)
    for name, expected in theirs.items():
        assert ours[name].dtype == expected.dtype and ours[name].shape == expected.shape, name
        if expected.dtype == np.int64:
            np.testing.assert_array_equal(ours[name], expected, err_msg=name)
        else:
            assert relative_error(ours[name], expected) <= 1e-5, (name, relative_error(ours[name], expected))

    # The token embeddings: the float output [sentences, tokens, 384].
    (tokens,) = [name for name, d in graph.outputs.items() if d["dataType"] == "float32" and len(d["shape"]) == 3]
    embeddings = mean_pool_and_normalize(ours[tokens], mask)
    expected = mean_pool_and_normalize(theirs[tokens], mask)
    assert embeddings.shape == (len(SENTENCES), 384)
    np.testing.assert_allclose(np.linalg.norm(embeddings, axis=1), 1, atol=1e-6)
    error = relative_error(embeddings, expected)
    assert error <= 1e-5, error

    similarity = embeddings @ embeddings.T
    summary_lines.append(f"paraphrase-MiniLM-L3-v2 (Python, {ids.shape[0]}x{length} tokens): relative error "
                         f"{error:.2g} against ONNX Runtime; cosine paraphrases {similarity[0, 1]:.3f}, "
                         f"unrelated {similarity[0, 2]:.3f} and {similarity[1, 2]:.3f}")
    assert similarity[0, 1] > max(similarity[0, 2], similarity[1, 2], similarity[0, 3], similarity[1, 3])
