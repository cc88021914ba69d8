"""Rank queries of the HCCL graph adaptor (upstream ``npu_bridge.experimental.hccl``).

Upstream opens ``libhcom_graph_adaptor.so`` with ctypes at import time and asks it for the actual
and user rank sizes.  ascend-sim has no native library: ``hccl_graph_adp_ctypes`` is ``None`` and
the answers come from the emulated single-device world (:mod:`hccl.manage.api`): the actual rank
size of a group is its size, the user rank size is the world size (1) and the user rank id is
``RANK_ID`` (default 0).
"""
import ctypes
import os  # noqa: F401  (upstream module namespace)

from hccl.manage import api as _hccl_api

hccl_graph_adp_ctypes = None  # no libhcom_graph_adaptor.so: the queries below are answered in Python


def c_str(string):
    """``string`` as a C ``char*`` (UTF-8), as passed to the native adaptor."""
    return ctypes.c_char_p(string.encode("utf-8"))


def get_actual_rank_size(group="hccl_world_group"):
    """Number of ranks that actually take part in ``group``."""
    return _hccl_api.get_rank_size(group)


def get_user_rank_size():
    """Number of user (worker) ranks in the world."""
    return _hccl_api.get_rank_size()


def get_user_rank_id():
    """This process's user (worker) rank id."""
    return _hccl_api.get_rank_id()
