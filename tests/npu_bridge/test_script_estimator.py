"""End-to-end: an NPUEstimator script (NPURunConfig, NPUEstimatorSpec, checkpoints, iterations_per_loop=2)."""
from testsupport.scripts import run_script


def test_estimator_script_trains_and_writes_the_npu_config(tmp_path):
    result = run_script("estimator_npu.py", tmp_path)

    # first estimator: iterations_per_loop=1, mixed precision, checkpoints every 10 steps
    assert result["global_step"] == 40
    assert result["loss_last"] < 0.05 * result["loss_first"]
    assert result["eval_loss"] < 0.05 * result["loss_first"]
    assert result["checkpoints"] == [f"model.ckpt-{s}.index" for s in (0, 10, 20, 30, 40)]
    pm = result["parameter_map"]
    assert pm["entries"] == 1
    assert pm["precision_mode"] == "allow_mix_precision" and pm["iterations_per_loop"] == 1
    assert pm["enable_data_pre_proc"] is True
    for key in ("use_off_line", "mix_compile_mode", "hcom_parallel", "graph_run_mode", "enable_dump", "job",
                "jit_compile", "variable_placement", "experimental_logical_device_cluster_deploy_mode"):
        assert key in pm["keys"], key
    assert pm["optimizers"][-1] == "GradFusionOptimizer"
    assert result["loop_var"] == [0], "no loop variables are loaded for iterations_per_loop=1"

    # second estimator: iterations_per_loop=2
    pm_n = result["parameter_map_n"]
    assert pm_n["iterations_per_loop"] == 2 and "precision_mode" not in pm_n["keys"]
    assert result["iteration_op_n"]["type"] == "NoOp" and result["iteration_op_n"]["control_inputs"]
    assert result["loop_var_n"] == [1], "SetIterationsVarHook loads N-1"
    assert result["printed_n"] == ["load iterations_per_loop value -----------", "1"]
    assert result["global_step_n"] == 20
    assert result["loss_last_n"] < 0.2 * result["loss_first_n"]
