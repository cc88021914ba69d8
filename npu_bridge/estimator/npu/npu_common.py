"""Job and device information (upstream ``npu_bridge/estimator/npu/npu_common.py``).

``NPUBasics`` is a process-wide singleton that reads the job description once: from a JSON job
file when one is given and readable, else from the environment (``JOB_ID``, ``RANK_ID`` /
``POD_NAME``, ``RANK_SIZE`` / ``CM_WORKER_SIZE``, ``RANK_TABLE_FILE``, ``HEARTBEAT``,
``LOCAL_CHECKPOINT_DIR``).

Divergence from upstream: without ``JOB_ID`` upstream's job info is None and NPUEstimator then
refuses to start; here ``JOB_ID`` defaults to ``"1"`` with a warning, because laptop users rarely
set it and nothing else reads the value.
"""
import json
import logging
import os

from npu_bridge.estimator.npu import util as util_lib

_log = logging.getLogger("npu_bridge.npu_common")

DEFAULT_JOB_ID = "1"


class JobInfo:
    """What the cluster scheduler tells a training job (ids, paths, rank table, rank size)."""

    def __init__(self, job_id=0, job_config=None, heartbeat_time=-1, region_id=None, ak=None, sk=None,
                 endpoint_url=None, device_info=None, rank_table_file=None, restart_flag=0, local_app_dir=None,
                 local_data_dir=None, local_checkpoint_dir=None, local_log_dir=None, local_result_dir=None,
                 local_boot_file=None, rank_size=1):
        self._job_id = job_id
        self._job_config = job_config
        self._heartbeat_time = heartbeat_time
        self._region_id = region_id
        self._ak = ak
        self._sk = sk
        self._endpoint_url = endpoint_url
        self._device_info = device_info
        self._rank_table_file = rank_table_file
        self._restart_flag = restart_flag
        self._local_app_dir = local_app_dir
        self._local_data_dir = local_data_dir
        self._local_checkpoint_dir = local_checkpoint_dir
        self._local_log_dir = local_log_dir
        self._local_result_dir = local_result_dir
        self._local_boot_file = local_boot_file
        self._rank_size = rank_size


class JobConfig:
    """Hyper-parameters a scheduler may hand to the job."""

    def __init__(self, learning_rate=None, batch_size=None):
        self._learning_rate = learning_rate
        self._batch_size = batch_size


class DeviceInfo:
    """This process's device: its rank index (a string), server id and device index."""

    def __init__(self, index="0", server_id="123456", dev_index=1):
        self._index = index
        self._server_id = server_id
        self._dev_index = dev_index
        self._root_rank = 0

    def is_master_node(self):
        """True on the root rank (index 0).

        Upstream compares the string index with the integer root rank and so is never True;
        here both are compared as strings.
        """
        return str(self._index) == str(self._root_rank)


class NPUBasics:
    """Process-wide job information; the first ``file_name`` given wins."""

    _instance = None

    def __new__(cls, file_name):  # pylint: disable=unused-argument
        if cls._instance is None:
            instance = super().__new__(cls)
            instance._job_info = instance._read_job_info(file_name)
            cls._instance = instance
        return cls._instance

    def __init__(self, file_name):  # pylint: disable=super-init-not-called
        """Reading happens once, in ``__new__``; later constructions return the same object."""

    @classmethod
    def _reset(cls):
        """Forget the singleton (tests only; upstream has no way to re-read the job info)."""
        cls._instance = None

    @property
    def jobinfo(self):
        """The JobInfo, or None when it could not be read."""
        return self._job_info

    def size(self):
        """The rank size of the job."""
        return self._job_info._rank_size  # pylint: disable=protected-access

    def _read_job_info(self, file_name):
        try:
            with open(file_name, "r", encoding="utf-8") as handle:
                data = json.load(handle)
        except (IOError, OSError):
            _log.info("job config file %r not readable; reading the job info from the environment", file_name)
            return self._job_info_from_env()
        return self._job_info_from_file(data)

    @staticmethod
    def _job_info_from_file(data):
        device_info = data.get("device_info")
        util_lib.check_not_none(device_info, "device_info")
        index = device_info.get("Index")
        util_lib.check_nonnegative_integer(index, "Index")
        rank_table_file = data.get("rank_table_file")
        util_lib.check_not_none(rank_table_file, "rank_table_file")
        rank_size = data.get("rank_size")
        util_lib.check_positive_integer(rank_size, "rank_size")
        return JobInfo(device_info=DeviceInfo(index=str(index)), rank_table_file=rank_table_file,
                       local_checkpoint_dir=data.get("local_checkpoint_dir"), rank_size=rank_size)

    @staticmethod
    def _job_info_from_env():
        job_id = os.getenv("JOB_ID", "")
        if job_id == "":
            _log.warning("JOB_ID is not set; using JOB_ID=%s (upstream NPUEstimator requires it to be set)",
                         DEFAULT_JOB_ID)
            job_id = DEFAULT_JOB_ID
        identity = os.getenv("POD_NAME", "") or os.getenv("RANK_ID", "")
        rank_size = util_lib.get_ranksize()
        if not rank_size.isdigit():
            _log.warning("rank size %r is not a number; using 1", rank_size)
            rank_size = "1"
        return JobInfo(job_id=job_id, heartbeat_time=os.getenv("HEARTBEAT", ""),
                       device_info=DeviceInfo(index=str(identity)),
                       rank_table_file=os.getenv("RANK_TABLE_FILE", ""),
                       local_checkpoint_dir=os.getenv("LOCAL_CHECKPOINT_DIR", ""), rank_size=int(rank_size))
