"""Trains the design's model on PyTorch, on one process or many: `torchrun --nproc_per_node N -m lstm_torch.train ...`
runs N processes with DistributedDataParallel (NCCL on GPUs, gloo on the CPU), across nodes with torchrun's
--nnodes/--rdzv-endpoint. Each process reads its own shard of the training files; gradients are averaged every step.

As the extension's trainer: shuffled windows from a zero state, Adam with the gradient norm clipped to 1, a linear
warm-up over the first 5% then a cosine decay to a tenth of the rate, validation on held-out files, the best checkpoint
kept. RUN/latest.pt is written at every validation (resume with --resume); RUN/best-export is the best model as an export
folder for `lstm-complete import-torch RUN/best-export --out CHECKPOINT`.
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel

from .checkpoint_io import read_checkpoint, write_export
from .corpus import read_files, shard, split_by_file, stream
from .model import CharLstm, Spec


def parse(argv):
    ap = argparse.ArgumentParser(prog="lstm_torch.train", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", action="append", required=True, help="a folder of Python files (repeatable)")
    ap.add_argument("--out", required=True, help="the run's folder")
    ap.add_argument("--from", dest="from_", help="an lstm-complete checkpoint folder to fine-tune (the bundled model: models/python)")
    ap.add_argument("--resume", action="store_true", help="continue the run in --out from its latest.pt")
    ap.add_argument("--minutes", type=float, help="time budget (the schedule follows it)")
    ap.add_argument("--steps", type=int, help="updates in all (the schedule follows them)")
    ap.add_argument("--batch-size", type=int, default=32, help="windows per process per step (default 32)")
    ap.add_argument("--seq-len", type=int, default=256)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--validation-split", type=float, default=0.05)
    ap.add_argument("--eval-every", type=int, default=200, help="steps between validations")
    ap.add_argument("--val-chars", type=int, default=200_000, help="most held-out characters a validation reads, over all processes")
    ap.add_argument("--units", default="256,256", help="LSTM units per layer, for a model from scratch")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=0, help="CPU threads per process (0: PyTorch's choice)")
    a = ap.parse_args(argv)
    if (a.minutes is None) == (a.steps is None):
        ap.error("give --minutes or --steps")
    return a


class Dist:
    """This process's place in the run; a single process when not started by torchrun."""

    def __init__(self):
        self.world = int(os.environ.get("WORLD_SIZE", "1"))
        self.rank = int(os.environ.get("RANK", "0"))
        local = int(os.environ.get("LOCAL_RANK", "0"))
        self.device = torch.device(f"cuda:{local}") if torch.cuda.is_available() else torch.device("cpu")
        self.backend = "nccl" if self.device.type == "cuda" else "gloo"
        if self.world > 1:
            if self.device.type == "cuda":
                torch.cuda.set_device(self.device)
            dist.init_process_group(self.backend)

    def sum(self, values):
        t = torch.tensor(values, dtype=torch.float64, device=self.device)
        if self.world > 1:
            dist.all_reduce(t)
        return t.tolist()

    def finish(self) -> None:
        """Ends a run of several processes without leaving one waiting: each other process sends rank 0 a last message
        and leaves once it is sent; rank 0 leaves once it has them all. Every process then exits at once, without
        tearing the group down: here a barrier and destroy_process_group() left one process of the two spinning in
        gloo's teardown after the other had gone (in CI, and one run in three under load). Everything a run keeps is
        written and synced before this."""
        if self.world == 1:
            return
        token = torch.zeros(1, device=self.device)
        if self.rank == 0:
            for r in range(1, self.world):
                dist.recv(token, src=r)
        else:
            dist.send(token, dst=0)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)

    def broadcast(self, values):
        t = torch.tensor(values, dtype=torch.float64, device=self.device)
        if self.world > 1:
            dist.broadcast(t, 0)
        return t.tolist()


def log(d: Dist, **fields):
    print(json.dumps({"rank": d.rank, **fields}), file=sys.stderr, flush=True)


def learning_rate(peak: float, progress: float) -> float:
    if progress < 0.05:
        return peak * max(progress / 0.05, 0.01)
    p = min(1.0, (progress - 0.05) / 0.95)
    return peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * p)))


def windows(codes: np.ndarray, batch: int, length: int, rng: np.random.Generator) -> torch.Tensor:
    starts = rng.integers(0, max(1, len(codes) - length - 1), size=batch)
    return torch.from_numpy(np.stack([codes[s : s + length + 1] for s in starts]).astype(np.int64))


def validate(model, codes: np.ndarray, length: int, d: Dist, batch: int = 32):
    """Mean nats/char over non-overlapping windows of this process's held-out text, summed over all processes."""
    model.eval()
    n = (len(codes) - 1) // length
    nats, chars = 0.0, 0
    with torch.no_grad():
        for s in range(0, n, batch):
            idx = range(s, min(n, s + batch))
            x = torch.from_numpy(np.stack([codes[i * length : i * length + length + 1] for i in idx]).astype(np.int64)).to(d.device)
            logits, _ = model(x[:, :-1])
            nats += F.cross_entropy(logits.reshape(-1, logits.shape[-1]), x[:, 1:].reshape(-1), reduction="sum").item()
            chars += x[:, 1:].numel()
    model.train()
    total_nats, total_chars = d.sum([nats, chars])
    return total_nats / max(1.0, total_chars)


def save_atomic(obj, path: str) -> None:
    tmp = path + ".tmp"
    torch.save(obj, tmp)
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, path)


def main(argv=None) -> int:
    a = parse(argv)
    d = Dist()
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    files, skipped = read_files(a.data)
    if not files:
        raise SystemExit(f"no Python files under {', '.join(a.data)}")
    train_files, val_files = split_by_file(files, a.validation_split)
    if not val_files:
        raise SystemExit("one Python file: a run needs at least two, one of them held out to choose the best checkpoint")
    mine = shard(train_files, d.rank, d.world)
    train_codes = stream(mine)
    if len(train_codes) < a.seq_len + 2:
        raise SystemExit(f"rank {d.rank}: its shard holds {len(train_codes)} characters, fewer than one window")
    val_codes = stream(shard(val_files, d.rank, d.world))[: a.val_chars // d.world]
    fine_tuned_from = None
    if a.from_:
        model, meta = read_checkpoint(a.from_)
        fine_tuned_from = meta.get("name")
    else:
        model = CharLstm(Spec(lstmUnits=[int(u) for u in a.units.split(",")]))
    model.to(d.device)
    ddp = DistributedDataParallel(model) if d.world > 1 else model
    opt = torch.optim.Adam(model.parameters(), lr=a.lr, eps=1e-7)
    os.makedirs(a.out, exist_ok=True)
    step, elapsed_before, best, history = 0, 0.0, None, []
    if a.resume:
        state = torch.load(os.path.join(a.out, "latest.pt"), map_location=d.device)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["optimizer"])
        step, elapsed_before, best, history = state["step"], state["elapsed"], state["best"], state["history"]
        fine_tuned_from = state.get("fineTunedFrom", fine_tuned_from)
    rng = np.random.default_rng(a.seed * 1000 + d.rank + step)
    log(d, event="shard", files=[f.relative for f in mine], chars=int(len(train_codes)))
    if d.rank == 0:
        log(d, event="start", processes=d.world, backend=d.backend, device=str(d.device), files=len(files),
            trainFiles=len(train_files), validationFiles=len(val_files), shardChars=int(len(train_codes)), step=step)  # fmt: skip
    if step == 0 and best is None:
        best = validate(ddp, val_codes, a.seq_len, d)
        history.append({"epoch": 0, "trainLoss": best, "valLoss": best, "chars": 0, "seconds": 0.0})
    t0 = time.time()
    chars_seen = 0
    window_loss, window_steps, window_t = 0.0, 0, time.time()
    budget = a.minutes * 60 if a.minutes is not None else None
    while True:
        elapsed = elapsed_before + time.time() - t0
        progress = step / a.steps if a.steps else elapsed / budget
        progress, stop = d.broadcast([progress, float(progress >= 1.0)])
        if stop:
            break
        for g in opt.param_groups:
            g["lr"] = learning_rate(a.lr, progress)
        x = windows(train_codes, a.batch_size, a.seq_len, rng).to(d.device)
        logits, _ = ddp(x[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), x[:, 1:].reshape(-1)) + model.l2_penalty()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        chars_seen += a.batch_size * a.seq_len
        window_loss += loss.item()
        window_steps += 1
        if step % a.eval_every == 0:
            secs = time.time() - window_t
            log(d, step=step, loss=round(window_loss / window_steps, 4), charsPerSecond=round(window_steps * a.batch_size * a.seq_len / secs))
            val = validate(ddp, val_codes, a.seq_len, d)
            train_loss = d.sum([window_loss / window_steps])[0] / d.world
            history.append({"epoch": len(history), "trainLoss": train_loss, "valLoss": val, "learningRate": opt.param_groups[0]["lr"],
                            "chars": chars_seen * d.world, "seconds": elapsed_before + time.time() - t0})  # fmt: skip
            improved = val < best
            if improved:
                best = val
            if d.rank == 0:
                log(d, step=step, validation=val, best=best, improved=improved)
                if improved or not os.path.exists(os.path.join(a.out, "best-export")):
                    write_export(model, os.path.join(a.out, "best-export"), record(a, d, history, best, files, val_files, skipped, fine_tuned_from, step, elapsed_before + time.time() - t0))
                state = {"model": model.state_dict(), "spec": model.spec.to_json(), "optimizer": opt.state_dict(), "step": step, "history": history,
                         "elapsed": elapsed_before + time.time() - t0, "best": best, "fineTunedFrom": fine_tuned_from}  # fmt: skip
                save_atomic(state, os.path.join(a.out, "latest.pt"))
            window_loss, window_steps, window_t = 0.0, 0, time.time()
    if d.rank == 0:
        log(d, event="done", step=step, best=best, seconds=round(elapsed_before + time.time() - t0, 1))
    d.finish()
    return 0


def record(a, d: Dist, history, best, files, val_files, skipped, fine_tuned_from, step, seconds) -> dict:
    """What the export's meta.json will say: the run's training record and its corpus (src/model/checkpoint-meta.ts)."""
    chars = int(sum(len(f.codes) for f in files))
    val_chars = int(sum(len(f.codes) for f in val_files))
    training = {
        "mode": "windows",
        "hyperParameters": {"batchSize": a.batch_size * d.world, "seqLength": a.seq_len, "learningRate": a.lr, "processes": d.world,
                            "lrSchedule": "cosine", "validationSplit": a.validation_split, "steps": step},  # fmt: skip
        "epochsDone": round(step * a.batch_size * d.world * a.seq_len / max(1, chars - val_chars), 3),
        "history": history,
        "bestValLoss": best,
        "wallSeconds": round(seconds, 1),
        "backend": f"pytorch {torch.__version__} DistributedDataParallel ({d.world} processes, {d.backend}, {d.device.type})",
    }
    if fine_tuned_from:
        training["fineTunedFrom"] = fine_tuned_from
    corpus = {
        "roots": [os.path.basename(os.path.abspath(r)) for r in a.data],
        "files": len(files),
        "chars": chars,
        "trainChars": chars - val_chars,
        "valChars": val_chars,
        "skipped": skipped,
        "validationFiles": [f.relative for f in val_files],
    }
    return {"training": training, "corpus": corpus}


if __name__ == "__main__":
    sys.exit(main())
