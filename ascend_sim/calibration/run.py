"""The calibration run: build the published workloads, fit the plan's constants, predict, compare.

``calibrate(hw="Ascend910A", grappler=True, workloads=None) -> Report`` builds each workload of
``WORKLOADS`` at full size, lowers it once, fits ``fit.FIT_PLAN`` on its (at most two) workloads, and
predicts every workload with the preset as it is (the fitted values are written into the preset by hand,
rounded, with their basis; the report says when the preset and the fit disagree). Held-out workloads take
no part in the fit. Grappler's prediction from the same graphs sits beside ours.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from ascend_sim import hw as hwlib
from ascend_sim.calibration import grappler as grappler_peer
from ascend_sim.calibration import workloads as wl
from ascend_sim.calibration.fit import FIT_PLAN, Fitted, fit
from ascend_sim.calibration.predict import Prepared, prepare, recost, with_values
from ascend_sim.calibration.published import Published, lookup

logger = logging.getLogger(__name__)
STALE_TOLERANCE = 0.02    # a preset value more than 2 % off the fitted one is reported as stale

# key → builder of the full-size workload (the published batch, the options of a real run)
WORKLOADS = {
    "resnet50_v15": lambda: wl.resnet50_v15(batch=lookup("resnet50_v15").batch),
    "bert_large": lambda: wl.bert_pretraining(wl.BERT_LARGE, batch=lookup("bert_large").batch, name="bert_large"),
    "bert_base": lambda: wl.bert_pretraining(wl.BERT_BASE, batch=lookup("bert_base").batch, name="bert_base"),
}


@dataclass(frozen=True)
class Row:
    published: Published
    role: str                     # "fitted" or "held out"
    predicted_step_us: float
    grappler_step_us: float | None
    tasks: int
    breakdown: dict               # share of device task time: AI Core, AI CPU, launch

    @property
    def predicted_per_s(self) -> float:
        return self.published.batch / self.predicted_step_us * 1e6

    @property
    def error(self) -> float:
        return self.predicted_per_s / self.published.samples_per_s - 1

    @property
    def grappler_per_s(self) -> float | None:
        return None if not self.grappler_step_us else self.published.batch / self.grappler_step_us * 1e6

    @property
    def grappler_error(self) -> float | None:
        per_s = self.grappler_per_s
        return None if per_s is None else per_s / self.published.samples_per_s - 1


@dataclass(frozen=True)
class Report:
    hw_name: str
    rows: tuple
    fitted: tuple                 # Fitted, one per FIT_PLAN entry
    preset_values: dict           # path → the value the preset holds
    timings_s: dict = field(default_factory=dict)
    applied_fit: bool = False     # predictions used the fitted values, not the preset's

    def stale(self) -> list:
        """Fitted constants whose preset value is more than STALE_TOLERANCE off the fit (none when the
        predictions used the fitted values)."""
        out = []
        if self.applied_fit:
            return out
        for f in self.fitted:
            held = self.preset_values[f.spec.path]
            if abs(held - f.value) > STALE_TOLERANCE * max(abs(f.value), 1e-9):
                out.append((f.spec.path, held, f.value))
        return out


def _breakdown(profile) -> dict:
    """Where one steady-state iteration's device time goes (shares of summed task time), and the achieved
    cube TFLOP/s over the step."""
    last = profile.steps[-1].iteration_id
    tasks = [t for t in profile.device_tasks if t.iteration_id == last]
    total = sum(t.duration_us for t in tasks) or 1.0

    def share(pred):
        return sum(t.duration_us for t in tasks if pred(t)) / total

    cube_flops = sum(t.cost.flops for t in tasks if t.unit == "aicore_cube")
    cube_cycles = sum(t.cost.cycles for t in tasks if t.unit == "aicore_cube")
    mac = sum(t.cost.cycles_by_pipe.get("mac", 0.0) for t in tasks if t.unit == "aicore_cube")
    return {"AI_CORE": share(lambda t: t.task_type == "AI_CORE"), "AI_CPU": share(lambda t: t.task_type == "AI_CPU"),
            "launch": sum(t.launch_us for t in tasks) / total, "cube": share(lambda t: t.unit == "aicore_cube"),
            "TransData": share(lambda t: t.op_type == "TransData"),
            "DropOutGenMask": share(lambda t: t.op_type == "DropOutGenMask"),
            "mac_ratio": mac / cube_cycles if cube_cycles else 0.0,
            "cube_tflops": cube_flops / profile.steps[-1].iteration_time_us / 1e6}


def calibrate(hw="Ascend910A", grappler: bool = True, workloads=None, plan=FIT_PLAN,
              apply_fit: bool = False) -> Report:
    """Run the calibration (see the module docstring); ``workloads``: keys → builders (default WORKLOADS).
    ``apply_fit``: predict with the fitted values instead of the preset's (for other plans than the one the
    preset holds)."""
    from ascend_sim.sim import simulate

    spec = hw if isinstance(hw, hwlib.HardwareSpec) else hwlib.load(hw)
    builders = dict(WORKLOADS if workloads is None else workloads)
    timings, built, prepared = {}, {}, {}
    for key, build in builders.items():
        t0 = time.perf_counter()
        built[key] = build()
        prepared[key] = prepare(built[key], spec)
        timings[f"{key} build+lower"] = time.perf_counter() - t0
    targets = {k: lookup(k).step_ms * 1e3 for k in builders}
    t0 = time.perf_counter()
    fitted = fit(prepared, targets, spec, plan) if plan else ()
    timings["fit"] = time.perf_counter() - t0
    fitted_on = {f.spec.workload for f in fitted}
    values = {f.spec.path: getattr(spec.overheads, f.spec.path.partition(".")[2]) for f in fitted}
    if apply_fit:
        spec = with_values(spec, {f.spec.path: f.value for f in fitted})
        prepared = {k: Prepared(p.key, recost(p.program, spec), p.batch, p.iterations_per_loop)
                    for k, p in prepared.items()}
    rows = []
    for key, p in prepared.items():
        profile = simulate(p.program, spec, 1, batch=p.batch, batch_source="given")
        gr = None
        if grappler:
            t0 = time.perf_counter()
            gr = grappler_peer.step_time_us(built[key], spec)
            timings[f"{key} grappler"] = time.perf_counter() - t0
        rows.append(Row(lookup(key), "fitted" if key in fitted_on else "held out", profile.step_time_us(), gr,
                        len(p.program.tasks), _breakdown(profile)))
    return Report(spec.name, tuple(rows), tuple(fitted), values, timings, apply_fit)


__all__ = ["Fitted", "Prepared", "Report", "Row", "WORKLOADS", "calibrate"]
