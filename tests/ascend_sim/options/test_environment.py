"""DeviceEnvironment: device-id precedence, rank checks, errors naming the variable, and the run defaults."""
import pytest

from ascend_sim.options import DeviceEnvironment, NpuOptions

# environment (and session_device_id) → (device_id, source)
DEVICE_CASES = [
    ({}, None, (0, "default")),
    ({"DEVICE_ID": "5"}, None, (5, "DEVICE_ID")),
    ({"ASCEND_DEVICE_ID": "2"}, None, (2, "ASCEND_DEVICE_ID")),
    ({"DEVICE_ID": "5", "ASCEND_DEVICE_ID": "2"}, None, (2, "ASCEND_DEVICE_ID")),
    ({"DEVICE_ID": "5", "ASCEND_DEVICE_ID": "2"}, 7, (7, "session_device_id")),
    ({"DEVICE_ID": "5"}, 0, (0, "session_device_id")),
    ({"DEVICE_ID": "", "ASCEND_DEVICE_ID": " "}, None, (0, "default")),
]


@pytest.mark.parametrize("environ, session_device_id, expected", DEVICE_CASES)
def test_device_id_precedence(environ, session_device_id, expected):
    options = NpuOptions(session_device_id=session_device_id) if session_device_id is not None else None
    env = DeviceEnvironment.from_environ(environ, options=options)
    assert (env.device_id, env.device_id_source) == expected


def test_ranks_and_job():
    env = DeviceEnvironment.from_environ({"RANK_SIZE": "8", "RANK_ID": "3", "JOB_ID": "job-7", "DEVICE_INDEX": "3",
                                          "RANK_TABLE_FILE": "/r.json"})
    assert (env.rank_size, env.rank_id, env.job_id, env.device_index, env.rank_table_file) == \
        (8, 3, "job-7", 3, "/r.json")
    defaults = DeviceEnvironment.from_environ({})
    assert (defaults.rank_size, defaults.rank_id, defaults.job_id, defaults.device_index) == (1, 0, None, None)


def test_cm_worker_size_stands_for_rank_size():
    assert DeviceEnvironment.from_environ({"CM_WORKER_SIZE": "4", "RANK_ID": "3"}).rank_size == 4
    with pytest.raises(ValueError, match="RANK_SIZE and CM_WORKER_SIZE"):
        DeviceEnvironment.from_environ({"CM_WORKER_SIZE": "4", "RANK_SIZE": "4"})


@pytest.mark.parametrize("environ, variable", [
    ({"DEVICE_ID": "-1"}, "DEVICE_ID"), ({"ASCEND_DEVICE_ID": "x"}, "ASCEND_DEVICE_ID"),
    ({"RANK_ID": "1.5"}, "RANK_ID"), ({"RANK_SIZE": "two"}, "RANK_SIZE"), ({"RANK_SIZE": "0"}, "RANK_SIZE"),
    ({"DEVICE_INDEX": "-3"}, "DEVICE_INDEX"), ({"CM_WORKER_SIZE": "-2"}, "CM_WORKER_SIZE"),
])
def test_bad_values_name_the_variable(environ, variable):
    with pytest.raises(ValueError, match=f"environment variable {variable}="):
        DeviceEnvironment.from_environ(environ)


def test_rank_id_must_be_below_rank_size():
    with pytest.raises(ValueError, match=r"RANK_ID=4 must be smaller than RANK_SIZE=2.*0\.\.1"):
        DeviceEnvironment.from_environ({"RANK_SIZE": "2", "RANK_ID": "4"})
    assert DeviceEnvironment.from_environ({"RANK_SIZE": "2", "RANK_ID": "1"}).rank_id == 1


def test_upstream_defaults_satisfy_the_checks():
    defaults = DeviceEnvironment.upstream_defaults()
    assert {"RANK_SIZE", "RANK_ID", "DEVICE_ID", "DEVICE_INDEX", "JOB_ID"} <= set(defaults)
    env = DeviceEnvironment.from_environ(defaults)
    assert (env.rank_size, env.rank_id, env.device_id, env.device_index) == (1, 0, 0, 0) and env.job_id


def test_missing_defaults_fill_only_what_is_unset():
    assert DeviceEnvironment.missing_defaults({}) == DeviceEnvironment.upstream_defaults()
    assert DeviceEnvironment.missing_defaults(DeviceEnvironment.upstream_defaults()) == {}
    missing = DeviceEnvironment.missing_defaults({"DEVICE_ID": "3", "RANK_SIZE": "", "CM_WORKER_SIZE": "2"})
    assert "DEVICE_ID" not in missing and "RANK_SIZE" not in missing
    assert missing["ASCEND_DEVICE_ID"] == "3"           # does not override the device the user chose
    merged = {"DEVICE_ID": "3", **missing}
    assert DeviceEnvironment.from_environ(merged).device_id == 3
