"""BERT's uncased WordPiece tokenizer in plain Python, for the embedding test: the rules of
Sources/WebNNModels/WordPieceTokenizer.swift (which follows Hugging Face's BertNormalizer,
BertPreTokenizer and WordPiece), checked against the reference tokenizer's ids in
Tests/WebNNTests/Data/minilm-tokenizer.json."""

import unicodedata
from pathlib import Path

# Unicode's White_Space property (str.isspace differs: it takes U+001C-U+001F, and those are
# control characters, which are dropped first anyway).
WHITE_SPACE = frozenset(chr(c) for c in [*range(0x09, 0x0E), 0x20, 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B),
                                         0x2028, 0x2029, 0x202F, 0x205F, 0x3000])
CJK_RANGES = [(0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F), (0x2B740, 0x2B81F),
              (0x2B920, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F)]
SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def is_control(c: str) -> bool:
    return c not in "\t\n\r" and unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn")


def is_punctuation(c: str) -> bool:
    # All of ASCII's printable non-alphanumerics ($, +, ^ ... which Unicode calls symbols) too.
    v = ord(c)
    return 33 <= v <= 47 or 58 <= v <= 64 or 91 <= v <= 96 or 123 <= v <= 126 or unicodedata.category(c) in (
        "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po")


def is_cjk(c: str) -> bool:
    return any(low <= ord(c) <= high for low, high in CJK_RANGES)


class WordPieceTokenizer:
    def __init__(self, vocabulary: dict, max_characters_per_word: int = 100):
        self.vocabulary = vocabulary
        self.max_characters_per_word = max_characters_per_word
        self.cls, self.sep, self.pad, self.unk = (vocabulary[t] for t in ("[CLS]", "[SEP]", "[PAD]", "[UNK]"))
        self.special = [(t, vocabulary[t]) for t in SPECIAL_TOKENS if t in vocabulary]

    @classmethod
    def from_file(cls, path) -> "WordPieceTokenizer":
        """vocab.txt: one token a line, the line number its id; only "\\n" ends a line and the
        first occurrence of a token wins."""
        vocabulary = {}
        for index, line in enumerate(Path(path).read_text(encoding="utf-8").split("\n")):
            token = line[:-1] if line.endswith("\r") else line
            if token:
                vocabulary.setdefault(token, index)
        return cls(vocabulary)

    def normalize(self, text: str) -> str:
        """Cleans (NUL, U+FFFD and controls go, whitespace becomes a space), spaces CJK
        ideographs, strips accents (NFD without nonspacing marks), then lower-cases code point
        by code point (full mappings, no final-sigma rule)."""
        cleaned = []
        for c in text:
            if c in ("\0", "\ufffd") or is_control(c):
                continue
            cleaned.append(" " if c in WHITE_SPACE else f" {c} " if is_cjk(c) else c)
        text = "".join(c for c in unicodedata.normalize("NFD", "".join(cleaned)) if unicodedata.category(c) != "Mn")
        return "".join(c.lower() for c in text)

    @staticmethod
    def words(text: str) -> list:
        """Split at whitespace; every punctuation character is a word of its own."""
        words, current = [], ""
        for c in text:
            if c in WHITE_SPACE or is_punctuation(c):
                if current:
                    words.append(current)
                current = ""
                if c not in WHITE_SPACE:
                    words.append(c)
            else:
                current += c
        return words + [current] if current else words

    def word_piece(self, word: str) -> list:
        """Longest match first, "##" after the first piece; the whole word is [UNK] when it is
        too long or some position matches nothing."""
        if len(word) > self.max_characters_per_word:
            return [self.unk]
        ids, start = [], 0
        while start < len(word):
            for end in range(len(word), start, -1):
                piece = ("##" if start else "") + word[start:end]
                if piece in self.vocabulary:
                    ids.append(self.vocabulary[piece])
                    start = end
                    break
            else:
                return [self.unk]
        return ids

    def token_ids(self, text: str) -> list:
        """The ids without [CLS] and [SEP]; special tokens written out verbatim (case-sensitive)
        are one token each, as the fast tokenizer's added tokens."""
        ids, start, index = [], 0, 0
        while index < len(text):
            token = next(((t, i) for t, i in self.special if text.startswith(t, index)), None)
            if token is None:
                index += 1
                continue
            for word in self.words(self.normalize(text[start:index])):
                ids += self.word_piece(word)
            ids.append(token[1])
            index = start = index + len(token[0])
        for word in self.words(self.normalize(text[start:])):
            ids += self.word_piece(word)
        return ids

    def encode(self, text: str, max_length: int = 512) -> list:
        """[CLS], the text's ids cut to fit max_length, [SEP]."""
        return [self.cls] + self.token_ids(text)[:max(0, max_length - 2)] + [self.sep]
