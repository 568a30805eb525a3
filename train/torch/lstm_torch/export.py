"""Exports a run's latest state (RUN/latest.pt) as an export folder, for a run stopped before its best was written or to
ship where it ended: `python3 -m lstm_torch.export RUN --out EXPORT`, then `lstm-complete import-torch --from EXPORT
--out CHECKPOINT`. The best model of a run is already exported, at every improvement, to RUN/best-export."""
import argparse
import sys

import torch

from .checkpoint_io import write_export
from .model import CharLstm, Spec


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="lstm_torch.export", description=__doc__)
    ap.add_argument("run", help="a run folder of lstm_torch.train")
    ap.add_argument("--out", required=True, help="the export folder to write")
    a = ap.parse_args(argv)
    state = torch.load(f"{a.run}/latest.pt", map_location="cpu")
    model = CharLstm(Spec.from_json(state["spec"]))
    model.load_state_dict(state["model"])
    history = state["history"]
    training = {
        "mode": "windows",
        "hyperParameters": {"steps": state["step"]},
        "epochsDone": 0,
        "history": history,
        "bestValLoss": state["best"],
        "wallSeconds": round(state["elapsed"], 1),
        "backend": f"pytorch {torch.__version__} (latest state of {a.run})",
    }
    if state.get("fineTunedFrom"):
        training["fineTunedFrom"] = state["fineTunedFrom"]
    write_export(model, a.out, {"training": training})
    print(f"wrote {a.out} (step {state['step']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
