"""The design's model (src/model/architecture.ts): Embedding(64) -> LSTM(256) -> Dropout(0.1) -> LSTM(256) ->
Dropout(0.1) -> Dense(vocab) with an L2 penalty on the dense kernel, added to the loss as Keras adds it. Each LSTM is
a module of its own so that dropout follows every layer, the last included, as in the design."""
from dataclasses import dataclass, field, asdict

import torch
from torch import nn

from .vocab import VOCAB_SIZE


@dataclass
class Spec:
    vocabSize: int = VOCAB_SIZE
    embeddingDim: int = 64
    lstmUnits: list = field(default_factory=lambda: [256, 256])
    dropout: float = 0.1
    denseL2: float = 1e-4

    def to_json(self) -> dict:
        return asdict(self)

    @staticmethod
    def from_json(d: dict) -> "Spec":
        return Spec(int(d["vocabSize"]), int(d["embeddingDim"]), [int(u) for u in d["lstmUnits"]], float(d["dropout"]), float(d["denseL2"]))


class CharLstm(nn.Module):
    def __init__(self, spec: Spec):
        super().__init__()
        self.spec = spec
        self.embedding = nn.Embedding(spec.vocabSize, spec.embeddingDim)
        sizes = [spec.embeddingDim] + spec.lstmUnits
        self.lstms = nn.ModuleList(nn.LSTM(sizes[i], sizes[i + 1], batch_first=True) for i in range(len(spec.lstmUnits)))
        self.drop = nn.Dropout(spec.dropout)
        self.dense = nn.Linear(sizes[-1], spec.vocabSize)
        self.reset_like_keras()

    def reset_like_keras(self) -> None:
        """Keras's initialisers (our trainer's): uniform embeddings, Glorot kernels, orthogonal recurrent kernels,
        zero biases but 1 for the forget gate."""
        nn.init.uniform_(self.embedding.weight, -0.05, 0.05)
        for lstm in self.lstms:
            u = lstm.hidden_size
            nn.init.xavier_uniform_(lstm.weight_ih_l0)
            for g in range(4):
                nn.init.orthogonal_(lstm.weight_hh_l0.data[g * u : (g + 1) * u])
            nn.init.zeros_(lstm.bias_ih_l0)
            nn.init.zeros_(lstm.bias_hh_l0)
            with torch.no_grad():
                lstm.bias_ih_l0[u : 2 * u] = 1.0
        nn.init.xavier_uniform_(self.dense.weight)
        nn.init.zeros_(self.dense.bias)

    def forward(self, x: torch.Tensor, state=None):
        """Logits [batch, time, vocab] and the state after the last step (a list of (h, c) per layer)."""
        h = self.embedding(x)
        out_state = []
        for i, lstm in enumerate(self.lstms):
            h, s = lstm(h, None if state is None else state[i])
            out_state.append(s)
            h = self.drop(h)
        return self.dense(h), out_state

    def l2_penalty(self) -> torch.Tensor:
        return self.spec.denseL2 * torch.sum(self.dense.weight**2)
