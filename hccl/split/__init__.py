"""Gradient-split strategies of the emulated HCCL (``hccl.split.api``)."""
