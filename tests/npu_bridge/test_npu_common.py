"""npu_common: JobInfo/DeviceInfo, and the NPUBasics singleton reading a job file or the environment."""
import json

import pytest

from npu_bridge.estimator.npu.npu_common import DeviceInfo, JobConfig, JobInfo, NPUBasics


@pytest.fixture(autouse=True)
def fresh_singleton():
    NPUBasics._reset()
    yield
    NPUBasics._reset()


def test_plain_classes_store_their_arguments():
    info = JobInfo(job_id="7", rank_size=4, local_checkpoint_dir="/ckpt")
    assert (info._job_id, info._rank_size, info._local_checkpoint_dir, info._heartbeat_time) == ("7", 4, "/ckpt", -1)
    assert JobConfig(0.1, 32)._batch_size == 32
    device = DeviceInfo()
    assert (device._index, device._server_id, device._dev_index, device._root_rank) == ("0", "123456", 1, 0)


def test_is_master_node_compares_rank_ids():
    assert DeviceInfo(index="0").is_master_node() is True
    assert DeviceInfo(index="3").is_master_node() is False


def test_env_mode(monkeypatch):
    monkeypatch.setenv("JOB_ID", "42")
    monkeypatch.setenv("RANK_SIZE", "8")
    monkeypatch.setenv("RANK_ID", "5")
    monkeypatch.delenv("POD_NAME", raising=False)
    monkeypatch.setenv("LOCAL_CHECKPOINT_DIR", "/data/ckpt")
    basics = NPUBasics("")
    info = basics.jobinfo
    assert info._job_id == "42" and basics.size() == 8
    assert info._device_info._index == "5"
    assert info._local_checkpoint_dir == "/data/ckpt"


def test_pod_name_wins_over_rank_id_and_bad_rank_size_is_one(monkeypatch):
    monkeypatch.setenv("POD_NAME", "pod-1")
    monkeypatch.setenv("RANK_SIZE", "many")
    info = NPUBasics("").jobinfo
    assert info._device_info._index == "pod-1"
    assert info._rank_size == 1


def test_missing_job_id_defaults_with_a_warning(monkeypatch, caplog):
    monkeypatch.delenv("JOB_ID", raising=False)
    with caplog.at_level("WARNING", logger="npu_bridge.npu_common"):
        info = NPUBasics("").jobinfo
    assert info is not None and info._job_id == "1"
    assert "JOB_ID" in caplog.text


def test_singleton_first_file_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("RANK_SIZE", "1")
    first = NPUBasics("")
    job_file = tmp_path / "job.json"
    job_file.write_text(json.dumps({"device_info": {"Index": 1}, "rank_table_file": "t.json", "rank_size": 2}))
    assert NPUBasics(str(job_file)) is first
    assert first.size() == 1


def test_job_file_mode(tmp_path):
    job_file = tmp_path / "job.json"
    job_file.write_text(json.dumps({"device_info": {"Index": 3}, "rank_table_file": "table.json", "rank_size": 4,
                                    "local_checkpoint_dir": "/ckpt"}))
    basics = NPUBasics(str(job_file))
    info = basics.jobinfo
    assert basics.size() == 4
    assert info._device_info._index == "3" and info._rank_table_file == "table.json"
    assert info._local_checkpoint_dir == "/ckpt"


@pytest.mark.parametrize("content,error,name", [
    ({"rank_table_file": "t", "rank_size": 1}, ValueError, "device_info"),
    ({"device_info": {"Index": -1}, "rank_table_file": "t", "rank_size": 1}, ValueError, "Index"),
    ({"device_info": {"Index": 0}, "rank_size": 1}, ValueError, "rank_table_file"),
    ({"device_info": {"Index": 0}, "rank_table_file": "t", "rank_size": "2"}, TypeError, "rank_size"),
])
def test_job_file_is_validated(tmp_path, content, error, name):
    job_file = tmp_path / "job.json"
    job_file.write_text(json.dumps(content))
    with pytest.raises(error, match=name):
        NPUBasics(str(job_file))
