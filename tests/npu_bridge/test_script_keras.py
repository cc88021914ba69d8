"""End-to-end: a Keras script using set_keras_session_npu_config trains under the drop-in."""
from testsupport.scripts import run_script


def test_keras_script_trains_in_the_npu_session(tmp_path):
    result = run_script("keras_npu.py", tmp_path)
    assert result["same_session"], "tf.keras must use the session set_keras_session_npu_config installed"
    assert result["npu_optimizer_entries"] == 1
    assert result["epochs"] == 5
    assert result["loss_after"] < 0.8 * result["loss_before"]
    assert result["accuracy_after"] > 0.85
