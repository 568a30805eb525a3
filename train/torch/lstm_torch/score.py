"""Scores text with a checkpoint on PyTorch: the log-probability of every next character, the model stepped over the
text from a zero state as the extension's stepper does. `python3 -m lstm_torch.score --checkpoint DIR --text FILE
[--logprobs OUT.bin]` prints {"chars", "natsPerChar"} and writes float32 log p(x[t+1] | x[..t]) for every t when asked
(the interop test compares them with the extension's own stepper)."""
import argparse
import json
import sys

import numpy as np
import torch

from .checkpoint_io import read_checkpoint
from .vocab import encode, normalize


def log_probs(model, codes: np.ndarray, chunk: int = 4096) -> np.ndarray:
    """log p of each next character, [len - 1], in chunks that carry the state (one sequence, batch 1)."""
    model.eval()
    out = []
    state = None
    x = torch.from_numpy(codes.astype(np.int64)).unsqueeze(0)
    with torch.no_grad():
        for s in range(0, len(codes) - 1, chunk):
            inp = x[:, s : min(s + chunk, len(codes) - 1)]
            tgt = x[:, s + 1 : s + 1 + inp.shape[1]]
            logits, state = model(inp, state)
            lp = torch.log_softmax(logits.double(), dim=-1)
            out.append(lp.gather(2, tgt.unsqueeze(2)).squeeze(2).squeeze(0).float().numpy())
    return np.concatenate(out) if out else np.zeros(0, dtype=np.float32)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="lstm_torch.score", description=__doc__)
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--text", required=True, action="append", help="a file; repeat for several (each from a zero state)")
    ap.add_argument("--logprobs", help="write the first file's log-probabilities here (float32)")
    a = ap.parse_args(argv)
    torch.set_num_threads(max(1, torch.get_num_threads()))
    model, _ = read_checkpoint(a.checkpoint)
    total, nats = 0, 0.0
    for i, path in enumerate(a.text):
        with open(path, encoding="utf-8", errors="replace") as f:
            codes = encode(normalize(f.read()))
        lp = log_probs(model, codes)
        if i == 0 and a.logprobs:
            lp.astype("<f4").tofile(a.logprobs)
        total += len(lp)
        nats -= float(lp.astype(np.float64).sum())
    json.dump({"chars": total, "natsPerChar": nats / max(1, total)}, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
