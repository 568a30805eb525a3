"""torchrun, usable on PyTorch < 2.0 under Python 3.11: `python3 -m lstm_torch.launch` takes torchrun's arguments.

PyTorch 1.13's launcher reads its --redirects/--tee values ("0" by default) by iterating over an IntFlag, which
Python 3.11 no longer does for zero and composite members, so every torchrun there fails before starting a process
("'NoneType' object has no attribute 'get'"; Debian 12's python3-torch). The reading is mended here; on a PyTorch
that does not need it, this is torchrun unchanged.
"""
import sys

from torch.distributed import run
from torch.distributed.elastic.multiprocessing import api


def _mended_from_str(vm: str):
    def one(v):
        return api.Std(int(v))

    if ":" in vm:
        return {int(i): one(v) for i, v in (m.split(":") for m in vm.split(","))}
    return one(vm)


if api.Std.from_str("0") is None:
    api.Std.from_str = staticmethod(_mended_from_str)

if __name__ == "__main__":
    sys.exit(run.main())
