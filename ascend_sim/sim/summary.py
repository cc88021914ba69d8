"""Moved: the plain-text summary lives in ``ascend_sim.profiling.summary``; this name stays importable."""
from ascend_sim.profiling.summary import format_summary

__all__ = ["format_summary"]
