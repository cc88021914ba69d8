"""The scheduler and its records: a lowered Program's tasks on the device's streams → a Profile.

- ``simulate(program, hw, iterations=1) -> Profile`` (``scheduler``): streams, dependencies, per-task
  dispatch overhead, iterations_per_loop, data sinking, step trace.
- ``TaskRecord`` / ``StepRecord`` / ``Profile`` (``records``): what the profiling writers read.
- ``SchedulePolicy`` (``policy``): scheduler choices that are not hardware numbers.
- ``format_summary(profile, top=15)`` (``summary``): the plain-text summary ``ascend-sim analyze`` prints.
"""
from ascend_sim.sim.policy import SchedulePolicy
from ascend_sim.sim.records import Profile, StepRecord, TaskRecord
from ascend_sim.sim.scheduler import ScheduleError, simulate
from ascend_sim.sim.stats import OpStat
from ascend_sim.sim.summary import format_summary

__all__ = ["OpStat", "Profile", "ScheduleError", "SchedulePolicy", "StepRecord", "TaskRecord", "format_summary",
           "simulate"]
