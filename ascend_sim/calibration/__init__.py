"""Calibration of the cost model against published Ascend 910 training throughput (issue 9).

- ``workloads``: ResNet-50 v1.5 and BERT pre-training graphs built with TensorFlow at full size;
- ``published``: the published per-chip figures, with sources (``PUBLISHED``, ``lookup``);
- ``predict``: lower once, re-cost and re-schedule fast (``prepare``, ``step_time_us``, ``with_values``);
- ``fit``: the fitted constants as data (``FIT_PLAN``) and the solver (``fit``);
- ``grappler``: TF grappler's analytical estimate of the same graphs on a virtual 910;
- ``run``: ``calibrate(...) -> Report``; ``table``: ``format_text`` / ``format_markdown``.

``benchmarks/calibration.py`` (``make calibrate``) runs it and refreshes docs/calibration.md.
Importing this package does not import TensorFlow; building a workload does.
"""
from ascend_sim.calibration.fit import FIT_PLAN, FitSpec, fit
from ascend_sim.calibration.published import PUBLISHED, Published, lookup

__all__ = ["FIT_PLAN", "FitSpec", "PUBLISHED", "Published", "fit", "lookup"]
