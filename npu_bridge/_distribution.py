"""The one place that reads the (emulated) world: rank size and rank id.

Upstream reads ``RANK_SIZE`` (or ``CM_WORKER_SIZE``) and ``RANK_ID`` from the environment in many
modules.  ascend-sim emulates one device, so everything that would need more than one rank calls
:func:`require_single_rank`, which names what asked and how many ranks it wanted.
"""
import os

RANK_SIZE_ENV = "RANK_SIZE"
WORKER_SIZE_ENV = "CM_WORKER_SIZE"
RANK_ID_ENV = "RANK_ID"


def _int_env(key, value):
    try:
        return int(str(value).strip())
    except ValueError:
        raise ValueError(f"environment variable {key} must be an integer, got {value!r}") from None


def rank_size():
    """World size: ``RANK_SIZE``, else ``CM_WORKER_SIZE``, else 1 (both set → ValueError, as upstream)."""
    rank = os.environ.get(RANK_SIZE_ENV)
    worker = os.environ.get(WORKER_SIZE_ENV)
    if rank is not None and worker is not None:
        raise ValueError(f"{RANK_SIZE_ENV} and {WORKER_SIZE_ENV} cannot both be set; set only one of them")
    if rank is not None:
        return _int_env(RANK_SIZE_ENV, rank)
    if worker is not None:
        return _int_env(WORKER_SIZE_ENV, worker)
    return 1


def rank_id():
    """This process's rank in the world group: ``RANK_ID`` (default 0)."""
    value = os.environ.get(RANK_ID_ENV)
    if value is None or not str(value).strip():
        return 0
    return _int_env(RANK_ID_ENV, value)


def multi_rank_error(what, ranks):
    """The RuntimeError raised for anything that needs ``ranks`` > 1 ranks."""
    return RuntimeError(
        f"multi-device emulation not available yet: {what} needs RANK_SIZE={ranks} ranks; "
        "ascend-sim emulates one device (set RANK_SIZE=1)"
    )


def require_single_rank(what, ranks=None):
    """Raise a clear RuntimeError when ``what`` would need more than one rank.

    ``ranks`` is the number of ranks asked for (an argument such as ``rank_size``); by default the
    world size from the environment.  Returns the (single) rank count otherwise.
    """
    n = rank_size() if ranks is None else int(ranks)
    if n > 1:
        raise multi_rank_error(what, n)
    return n
