"""The design's model on PyTorch: train it across processes, GPUs and nodes with DistributedDataParallel, and move
it both ways between PyTorch and the extension's checkpoint folders (train/torch/README.md)."""
