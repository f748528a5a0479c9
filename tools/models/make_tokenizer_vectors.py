"""Writes Tests/WebNNTests/Data/minilm-tokenizer.json: token ids that the reference tokenizer
(Hugging Face `tokenizers`, reading the model's own tokenizer.json) gives for sentences that
exercise every rule of BERT's tokenizer. The Swift WordPiece tokenizer is tested against them.

Run once, in a scratch virtual environment (`tokenizers` is not a project dependency):
  python3 -m venv /tmp/tok && /tmp/tok/bin/pip install tokenizers==0.22.1
  /tmp/tok/bin/python tools/models/make_tokenizer_vectors.py MODEL_DIR
"""

import json
import pathlib
import sys

from tokenizers import Tokenizer

model = pathlib.Path(sys.argv[1])
out = pathlib.Path(__file__).resolve().parents[2] / "Tests/WebNNTests/Data/minilm-tokenizer.json"

SENTENCES = [
    "Hello, world!",
    "The quick brown fox jumps over the lazy dog.",
    "",
    "Café naïve résumé — Ångström façade, Zürich, São Paulo, crème brûlée",
    "don't stop: (a) [b] {c} #tag @user $5.00 100% a&b ~x^y_z `q` |p| \\slash/ «quoted» ¿qué? ¡sí!",
    "我爱北京天安门 and 東京タワー, 한국어 텍스트",
    "unaffable supercalifragilisticexpialidocious tokenization",
    "a" * 100 + " " + "b" * 101 + " end",
    "emoji 🙂 snowman ☃ and ✓ check",
    "tab\there\u0000null\u00adsoft\ufffdreplacement\u200bzero-width",
    "  multiple   spaces\n\nnewlines\u3000ideographic\u00a0nbsp ",
    "ΣΊΣΥΦΟΣ ΟΔΥΣΣΕΥΣ İstanbul STRASSE Straße",
    "a [MASK] b [SEP] c [cls]",
    "x" + "́" * 3 + " ﬁnal ligature ①②③ ｆｕｌｌｗｉｄｔｈ",
]

LONG = " ".join(["the quick brown fox jumps over the lazy dog, again and again"] * 30)

tokenizer = Tokenizer.from_file(str(model / "tokenizer.json"))
tokenizer.no_padding()


def encode(texts, max_length):
    tokenizer.enable_truncation(max_length=max_length)
    return [
        {"text": t, "ids": e.ids, "typeIds": e.type_ids, "mask": e.attention_mask, "tokens": e.tokens}
        for t, e in zip(texts, tokenizer.encode_batch(texts))
    ]


cases = {
    "maxLength256": encode(SENTENCES + [LONG], 256),
    "maxLength10": encode(["Hello, world!", LONG, "short"], 10),
}
out.write_text(json.dumps(cases, ensure_ascii=False, indent=1) + "\n")
print(f"wrote {out}")
