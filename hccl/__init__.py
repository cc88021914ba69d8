"""Stand-in for CANN's ``hccl`` Python package (``hccl.manage.api``, ``hccl.split.api``).

Upstream wraps ``libhcomm.so`` through ctypes; scripts import it next to ``npu_bridge``.  ascend-sim
emulates one device: the world group has one rank (rank id ``RANK_ID``, default 0), one-rank
groups of rank 0 can be created, and anything that needs more ranks raises the RuntimeError of
``npu_bridge._distribution.require_single_rank``.  Argument validation follows upstream.
"""
