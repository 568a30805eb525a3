"""Moving the model between PyTorch and the extension's checkpoint folders (model.json, weights.bin, meta.json).

Layouts (src/model/architecture.ts): a Keras LSTM kernel is [input, 4*units] and its recurrent kernel [units, 4*units],
both with the gates in the order i, f, c, o, which is PyTorch's i, f, g, o; PyTorch keeps them transposed
(weight_ih [4*units, input]) and splits the bias in two (bias_ih + bias_hh), which one Keras bias is the sum of. The
dense kernel is [units, vocab], PyTorch's Linear weight [vocab, units].

Reading: ours -> PyTorch (to fine-tune the bundled model or any checkpoint here). Writing: PyTorch -> an export folder
(weights.bin in our order and layout, float32, and export.json with the spec and the run's record), which
`lstm-complete import-torch EXPORT --out CHECKPOINT` turns into a checkpoint with the extension's own writer and checks.
"""
import hashlib
import json
import os

import numpy as np
import torch

from .model import CharLstm, Spec
from .vocab import CHARS

EXPORT_FORMAT = "lstm-complete-torch-export"
EXPORT_FORMAT_VERSION = 1
# The extension refuses larger checkpoints (MAX_PARAMETERS in src/model/architecture.ts).
MAX_PARAMETERS = 64 * 1024 * 1024


def weight_entries(spec: Spec):
    """Every weight's name and shape in the order the extension's layers model holds them (weightEntries)."""
    entries = [("embedding/embeddings", [spec.vocabSize, spec.embeddingDim])]
    inp = spec.embeddingDim
    for i, u in enumerate(spec.lstmUnits):
        n = f"lstm_{i + 1}"
        entries += [(f"{n}/kernel", [inp, 4 * u]), (f"{n}/recurrent_kernel", [u, 4 * u]), (f"{n}/bias", [4 * u])]
        inp = u
    entries += [("dense/kernel", [inp, spec.vocabSize]), ("dense/bias", [spec.vocabSize])]
    return entries


def to_arrays(model: CharLstm):
    """The model's weights as float32 arrays in our order and layout."""
    out = [model.embedding.weight.detach().cpu().numpy()]
    for lstm in model.lstms:
        out.append(lstm.weight_ih_l0.detach().cpu().numpy().T)
        out.append(lstm.weight_hh_l0.detach().cpu().numpy().T)
        out.append((lstm.bias_ih_l0 + lstm.bias_hh_l0).detach().cpu().numpy())
    out.append(model.dense.weight.detach().cpu().numpy().T)
    out.append(model.dense.bias.detach().cpu().numpy())
    return [np.ascontiguousarray(a, dtype=np.float32) for a in out]


def load_arrays(model: CharLstm, arrays) -> None:
    """Sets the model's weights from arrays in our order and layout (the whole bias goes to bias_ih)."""
    it = iter(arrays)
    with torch.no_grad():
        model.embedding.weight.copy_(torch.from_numpy(next(it)))
        for lstm in model.lstms:
            lstm.weight_ih_l0.copy_(torch.from_numpy(next(it).T.copy()))
            lstm.weight_hh_l0.copy_(torch.from_numpy(next(it).T.copy()))
            lstm.bias_ih_l0.copy_(torch.from_numpy(next(it)))
            lstm.bias_hh_l0.zero_()
        model.dense.weight.copy_(torch.from_numpy(next(it).T.copy()))
        model.dense.bias.copy_(torch.from_numpy(next(it)))


def _read_json(path: str, limit: int = 4 << 20) -> dict:
    if os.path.getsize(path) > limit:
        raise ValueError(f"{path}: larger than {limit} bytes")
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def read_checkpoint(folder: str):
    """(model, meta) from one of our checkpoint folders; checks the vocabulary, the shapes and the weights' hash."""
    meta = _read_json(os.path.join(folder, "meta.json"))
    if meta.get("format") != "lstm-complete-checkpoint":
        raise ValueError(f"{folder}/meta.json: not an lstm-complete checkpoint")
    if meta["vocab"]["chars"] != CHARS:
        raise ValueError(f"{folder}/meta.json: a vocabulary this trainer does not know")
    spec = Spec.from_json(meta["spec"])
    entries = weight_entries(spec)
    count = sum(int(np.prod(s)) for _, s in entries)
    if count > MAX_PARAMETERS:
        raise ValueError(f"{folder}: {count} weights, more than {MAX_PARAMETERS}")
    manifest = _read_json(os.path.join(folder, "model.json"))["weightsManifest"][0]["weights"]
    if [(w["name"], list(w["shape"])) for w in manifest] != entries:
        raise ValueError(f"{folder}/model.json: the weights are not the spec's")
    dtype = np.float16 if meta["weightsDtype"] == "float16" else np.float32
    path = os.path.join(folder, "weights.bin")
    expected = count * np.dtype(dtype).itemsize
    if os.path.getsize(path) != expected:
        raise ValueError(f"{path}: {os.path.getsize(path)} bytes, expected {expected}")
    with open(path, "rb") as f:
        raw = f.read(expected)
    if hashlib.sha256(raw).hexdigest() != meta["weightsSha256"]:
        raise ValueError(f"{path}: its hash is not the one meta.json records")
    flat = np.frombuffer(raw, dtype=dtype).astype(np.float32)
    arrays, off = [], 0
    for _, shape in entries:
        n = int(np.prod(shape))
        arrays.append(flat[off : off + n].reshape(shape))
        off += n
    model = CharLstm(spec)
    load_arrays(model, arrays)
    return model, meta


def write_export(model: CharLstm, folder: str, record: dict) -> None:
    """An export folder for `lstm-complete import-torch`: weights.bin (float32, our order) and export.json, written
    beside and renamed into place, so a killed export never leaves a folder that looks whole."""
    tmp = folder.rstrip("/") + ".tmp"
    os.makedirs(tmp, exist_ok=True)
    arrays = to_arrays(model)
    for (name, shape), a in zip(weight_entries(model.spec), arrays):
        assert list(a.shape) == shape, (name, a.shape, shape)
    data = b"".join(a.astype("<f4").tobytes() for a in arrays)
    body = {
        "format": EXPORT_FORMAT,
        "formatVersion": EXPORT_FORMAT_VERSION,
        "spec": model.spec.to_json(),
        "weights": [{"name": n, "shape": s} for n, s in weight_entries(model.spec)],
        "weightsSha256": hashlib.sha256(data).hexdigest(),
        **record,
    }
    for name, content in (("weights.bin", data), ("export.json", json.dumps(body, indent=2).encode())):
        with open(os.path.join(tmp, name), "wb") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
    if os.path.exists(folder):
        old = folder.rstrip("/") + ".old"
        os.rename(folder, old)
        os.rename(tmp, folder)
        for n in os.listdir(old):
            os.remove(os.path.join(old, n))
        os.rmdir(old)
    else:
        os.rename(tmp, folder)
