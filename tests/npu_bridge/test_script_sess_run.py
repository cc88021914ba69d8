"""End-to-end: a Sess.run script with NPULossScaleOptimizer(NPUDistributedOptimizer(opt)) trains under the drop-in."""
from testsupport.scripts import run_script


def test_sess_run_script_trains_and_skips_the_overflowing_step(tmp_path):
    result = run_script("sess_run_npu.py", tmp_path)
    assert result["all_losses_finite"]
    assert result["loss_last"] < 0.5 * result["loss_first"]
    assert result["skipped_steps"] == [result["overflow_step"]]
    assert result["scale_after_overflow"] == 0.5 * result["scale_before_overflow"]
    assert result["global_step"] == result["steps"] - 1
