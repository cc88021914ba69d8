"""Published Ascend 910 training throughput: the calibration targets, as data (reference ascend910.md §5).

One row per workload the calibration predicts. ``per_step_samples`` is the batch on one chip; ``value`` the
published (or derived) samples per second on one chip. A derived row says how it was derived.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Published:
    key: str                 # workload key (calibration.run.WORKLOADS)
    model: str
    unit: str                # what a sample is
    batch: int               # per chip
    precision: str
    samples_per_s: float     # per chip
    framework: str
    source: str
    derived: str = ""        # how the per-chip figure was derived, when it was

    @property
    def step_ms(self) -> float:
        return self.batch / self.samples_per_s * 1e3


PUBLISHED = (
    Published("resnet50_v15", "ResNet-50 v1.5 training, ImageNet 224x224", "images", 256, "mixed", 2115.0,
              "MindSpore 0.5.0-beta, 1x Ascend 910, whole graph sunk to the device",
              "https://www.mindspore.cn/docs/en/r0.5/benchmark.html (also the r1.7 benchmark page)"),
    Published("bert_large", "BERT-large pre-training (24 layers, seq 128, vocab 21128), zhwiki", "sequences", 96,
              "mixed", 269.0, "MindSpore 0.5.0-beta, 1x Ascend 910",
              "https://www.mindspore.cn/docs/en/r0.5/benchmark.html"),
    Published("bert_base", "BERT-base pre-training (12 layers, seq 128), cn-wiki-128", "sequences", 256, "mixed",
              256 / 0.284, "MindSpore 1.3.0, Lamb, 8x Ascend 910",
              "MS-MODELS official/nlp/Bert/README.md (commit 0eeb3c53): 284 ms/step at batch 256 per chip on 8p",
              "256 sequences / 0.284 s per chip from an 8-chip run (includes its all-reduce; MindSpore reports "
              "0.96 scaling for BERT-large at 8p)"),
)


def lookup(key: str) -> Published:
    """The published row for ``key``; KeyError lists the known keys."""
    for row in PUBLISHED:
        if row.key == key:
            return row
    raise KeyError(f"no published figure for workload {key!r}; known: {', '.join(r.key for r in PUBLISHED)}")
