"""The extension's fixed vocabulary (src/model/vocab.ts): tab, newline, printable ASCII, one unknown symbol last.
Any change there must be made here too; test/torch/torch-interop.test.ts checks both agree."""
import numpy as np

CHARS = ["\t", "\n"] + [chr(c) for c in range(32, 127)] + ["\u0000"]
VOCAB_SIZE = len(CHARS)
UNKNOWN_INDEX = VOCAB_SIZE - 1

_TABLE = np.full(128, UNKNOWN_INDEX, dtype=np.uint8)
for _i, _c in enumerate(CHARS[:-1]):
    _TABLE[ord(_c)] = _i


def normalize(text: str) -> str:
    """CRLF and lone CR become LF, the only line ending the model knows (normalizeText)."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def encode(text: str) -> np.ndarray:
    """Characters outside the vocabulary (and every non-ASCII one) map to the unknown index, as encode() does."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    out = np.full(codes.shape, UNKNOWN_INDEX, dtype=np.uint8)
    ascii_ = codes < 128
    out[ascii_] = _TABLE[codes[ascii_]]
    return out
