"""TF 1.15-style scripts (plain ``import tensorflow as tf``) run unmodified in a fresh interpreter.

Each script prints ``RESULT {json}``; the checks below assert TF 1.15 behaviour on it.  Scripts that
read MNIST get a synthetic set written to ``<cwd>/MNIST_data`` first.
"""
import math

import pytest

from npu_bridge._tf1 import mnist as mnist_module
from testsupport.scripts import run_script


def _trained(r, first="loss_first", last="loss_last", factor=0.5):
    assert math.isfinite(r[first]) and math.isfinite(r[last])
    assert r[last] < factor * r[first], (r[first], r[last])


def check_layers_mlp(r):
    _trained(r, factor=0.3)
    assert r["accuracy"] > 0.85
    assert r["trainable"] == sorted([
        "dense/kernel:0", "dense/bias:0", "dense_1/kernel:0", "dense_1/bias:0",
        "batch_normalization/gamma:0", "batch_normalization/beta:0"])
    assert r["update_ops"] == 2 and r["moving_mean_changed"]


def check_conv_npu_session(r):
    _trained(r, factor=0.3)
    assert r["accuracy"] > 0.9
    assert r["global_step"] == 80
    assert r["custom_optimizers"] == ["NpuOptimizer"]
    assert r["variables"] == ["conv2d/bias:0", "conv2d/kernel:0", "dense/bias:0", "dense/kernel:0", "raw_conv_w:0"]


def check_flags_app_run(r):
    assert (r["steps"], r["learning_rate"], r["model_name"], r["use_fp16"]) == (7, 0.25, "tiny", True)
    assert r["layers"] == ["3", "5"] and r["mode"] == "train"
    assert r["argv_rest"] == ["extra_arg"]
    assert r["same_flags_object"]
    assert 0.0 < r["w"] < 3.0  # 7 steps of gradient descent from 0 towards 3


def check_gfile_logging(r):
    assert r["lines"] == ["first line\n", "second line\n"]
    assert r["walked"] == [[".", ["renamed.txt"]], ["a", ["one.txt"]], ["a/b", ["two.bin"]]]
    assert r["listing"] == ["a", "renamed.txt"] and r["globbed"] == ["one.txt"] and r["size"] == 3
    assert not r["exists_after_remove"] and not r["root_exists_at_end"] and r["is_directory"]
    messages = [tuple(m) for m in r["log"]]
    assert ("INFO", "processed 2 lines") in messages and ("WARNING", "warned once") in messages
    assert not any("not shown" in m for _, m in messages)
    assert r["verbosity"] == 20


def check_estimator(r):
    assert (r["global_step_mid"], r["global_step_final"]) == (120, 200)
    assert r["loss_final"] < r["loss_mid"] < r["baseline_mse"]
    assert r["loss_final"] < 0.1 * r["baseline_mse"]
    assert r["predictions"] == 10 and r["pred_keys"] == ["y"]
    assert r["latest_checkpoint"] == "model.ckpt-200"
    assert r["session_has_npu_optimizer"]


def check_keras_fit(r):
    _trained(r, factor=0.5)
    assert r["accuracy"] > 0.85 and r["epochs"] == 6
    assert r["keras_session_is_ours"]
    assert r["optimizer_class"] == "keras.src.optimizers.legacy.adam.Adam"
    assert r["lstm_class"] == "keras.src.layers.rnn.lstm_v1.LSTM"
    assert r["executing_eagerly"] is False


def check_datasets_iterators(r):
    assert r["batches"] == [[0, 2, 4, 6], [8, 10, 12, 14], [16, 18]]
    assert r["first_pass"] == list(range(0, 10, 3)) and r["second_pass"] == list(range(0, 20, 3))
    assert r["train_values"] == [float(v) for v in range(6)] and r["val_values"] == [100.0, 101.0]
    assert r["fed"] == [0, 50, 1, 51]
    assert r["record_ids"] == [0, 1, 2, 3, 4] and r["record_vec_sum"] == 3.0 * sum(range(5))
    assert r["dataset_class"] == "DatasetV1Adapter"


def check_queues(r):
    assert r["fifo"] == [[1.0, 2.0, 3.0, 1.0], [2.0, 3.0, 1.0, 2.0]]
    assert r["label_batches"] == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]
    assert r["rows"] == [[i, i * 0.5, "even" if i % 2 == 0 else "odd"] for i in range(12)]
    assert r["threads"] >= 3


def check_saver_restore(r):
    assert r["latest"] == "model.ckpt-3" and r["kept"] == ["model.ckpt-2", "model.ckpt-3"]
    assert r["w_equal"] and r["b_restored"] == r["b_saved"] == [3.0, -3.0]
    assert r["meta_y"] == r["saved_y"]
    assert r["reader_global_step"] == 3
    assert r["reader_shapes"] == {"global_step": [], "model/b": [2], "model/w": [3, 2]}
    assert r["warm_start"] == [3.0, -3.0]


def check_summaries(r):
    steps = 5
    assert r["tags"] == {"batch_mean": steps, "values": steps, "picture/image/0": steps, "extra/doubled": steps,
                         "note": steps, "manual": 1}
    assert r["scalars"]["batch_mean"] == [[s, float(s)] for s in range(steps)]
    assert r["scalars"]["extra/doubled"] == [[s, 2.0 * s] for s in range(steps)]
    assert r["scalars"]["manual"] == [[steps, 42.0]]
    assert r["has_graph"] and r["collection_size"] == 5


def check_variable_scopes(r):
    assert r["variables"] == ["auto/w:0", "custom/v:0", "manual/w:0", "net/w:0", "ns_var:0",
                              "outer_vs/vs_var:0", "tmpl/w:0"]
    assert r["same_outputs"]
    assert r["reuse_error"] == "Variable net/w already exists, disallowed"
    # name_scope does not prefix get_variable; variable_scope prefixes both
    assert (r["ns_var"], r["ns_op"]) == ("ns_var:0", "outer_ns/ns_op:0")
    assert (r["vs_var"], r["vs_op"]) == ("outer_vs/vs_var:0", "outer_vs/vs_op:0")
    # one regularization loss per created variable (reuse adds none): 0.5 * sum(ones) of 3x4, 3x2, 3x5, 3x1
    assert r["regularization_losses"] == 4
    assert r["regularization_total"] == 0.5 * (12 + 6 + 15 + 3)
    assert r["custom_getter_value"] == 6.0 and r["scope_name"] == ""


def check_control_flow(r):
    assert (r["cond_true"], r["cond_false"]) == (20.0, -8.0)
    assert r["case"] == [-1, 0, 1]
    assert r["powered"] == pytest.approx(1.5 ** 4) and r["grad"] == pytest.approx(4 * 1.5 ** 3)
    assert r["squares"] == [0.0, 1.0, 4.0, 9.0, 16.0] and r["running"] == [1, 3, 6, 10, 15]
    assert r["stacked"] == [0.0, 2.0, 4.0]
    assert r["after"] == [1, 2, 3] and r["sub"] == -2
    assert r["py_func"] == 30.5
    assert r["control_flow_v2"] is False


def check_mnist_softmax(r):
    assert (r["train_examples"], r["validation_examples"], r["test_examples"]) == (5500, 500, 1000)
    assert r["epochs_completed"] == 200 * 100 // 5500
    assert r["image_shape"] == [784] and r["label_shape"] == [10] and r["pixel_max"] <= 1.0
    assert r["test_accuracy"] > 0.8 and r["validation_accuracy"] > 0.8


def check_mnist_feed(r):
    assert r["last_loss"] < 0.5 * r["first_loss"]
    assert r["test_precision"] > 0.7
    assert r["global_step"] == 300 and r["checkpoint"] == "model.ckpt-300"
    assert r["variables"] == sorted(f"{s}/{v}:0" for s in ("hidden1", "hidden2", "softmax_linear")
                                    for v in ("weights", "biases"))
    assert r["train_examples"] == 6000 - 5000


def check_dropout_keep_prob(r):
    for name in ("positional_0.9", "keep_prob_kw_0.9", "npu_ops_0.9"):
        fraction, scale = r[name]
        assert abs(fraction - 0.9) < 0.02, name
        assert scale == pytest.approx(1 / 0.9, rel=1e-5), name
    for name in ("rate_kw_0.9", "layers_rate_0.9"):
        fraction, scale = r[name]
        assert abs(fraction - 0.1) < 0.02, name
        assert scale == pytest.approx(10.0, rel=1e-5), name
    assert abs(r["placeholder_0.5"][0] - 0.5) < 0.03 and r["placeholder_0.5"][1] == pytest.approx(2.0)
    assert r["placeholder_1.0_identity"]


def check_global_step_monitored(r):
    first, second = r["first"], r["second"]
    assert (first["first_seen"], first["steps_run"], first["global_step"]) == (0, 12, 12)
    assert (second["first_seen"], second["steps_run"], second["global_step"]) == (12, 13, 25)
    assert first["lr"] == pytest.approx(0.4 * 0.5 ** (12 // 10)) and second["lr"] == pytest.approx(0.4 * 0.5 ** 2)
    assert first["collection"] == ["global_step:0"] and first["dtype"] == "int64" and not first["trainable"]
    assert r["legacy_found"] == "global_step:0"
    assert "model.ckpt-12" in r["checkpoints"] and "model.ckpt-25" in r["checkpoints"]


def check_rnn_cells(r):
    _trained(r, factor=0.2)
    assert r["outputs_shape"] == [32, 6, 12] and r["zero_after_length"]
    assert "stack/multi_rnn_cell/cell_0/lstm_cell/kernel:0" in r["variables"]
    assert "stack/multi_rnn_cell/cell_1/gru_cell/gates/kernel:0" in r["variables"]
    assert "bi/fw/basic_lstm_cell/kernel:0" in r["variables"]


def check_losses_metrics(r):
    assert r["ce"] == pytest.approx(r["expected_ce"], rel=1e-5)
    assert r["mse_sum"] == pytest.approx(0.25 + 1.0)
    assert r["total"] == pytest.approx(r["ce"] + r["ce_weighted"] + r["mse_sum"] + 0.5 * (9 + 16), rel=1e-5)
    assert r["losses_collected"] == 3
    assert r["accuracy"] == pytest.approx(4 / 6) and r["mean"] == pytest.approx(3 / 6)
    assert r["precision"] == pytest.approx(2 / 3) and r["accuracy_after_reset"] == 0.0


def write_mnist(cwd):
    mnist_module.write_synthetic_mnist(str(cwd / "MNIST_data"))


SCRIPTS = {
    "tf1_layers_mlp.py": (check_layers_mlp, (), None),
    "tf1_conv_npu_session.py": (check_conv_npu_session, (), None),
    "tf1_flags_app_run.py": (check_flags_app_run, (
        "--steps=7", "--learning_rate=0.25", "--model_name=tiny", "--use_fp16", "--layers=3,5", "extra_arg"), None),
    "tf1_gfile_logging.py": (check_gfile_logging, (), None),
    "tf1_estimator.py": (check_estimator, (), None),
    "tf1_keras_fit.py": (check_keras_fit, (), None),
    "tf1_datasets_iterators.py": (check_datasets_iterators, (), None),
    "tf1_queues.py": (check_queues, (), None),
    "tf1_saver_restore.py": (check_saver_restore, (), None),
    "tf1_summaries.py": (check_summaries, (), None),
    "tf1_variable_scopes.py": (check_variable_scopes, (), None),
    "tf1_control_flow.py": (check_control_flow, (), None),
    "tf1_mnist_softmax.py": (check_mnist_softmax, (), write_mnist),
    "tf1_mnist_feed.py": (check_mnist_feed, (), write_mnist),
    "tf1_dropout_keep_prob.py": (check_dropout_keep_prob, (), None),
    "tf1_global_step_monitored.py": (check_global_step_monitored, (), None),
    "tf1_rnn_cells.py": (check_rnn_cells, (), None),
    "tf1_losses_metrics.py": (check_losses_metrics, (), None),
}


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_tf1_script_runs_unmodified(script, tmp_path):
    check, args, setup = SCRIPTS[script]
    if setup is not None:
        setup(tmp_path)
    check(run_script(script, tmp_path, *args, timeout=120))


def test_every_tf1_script_is_checked():
    from testsupport.scripts import SCRIPTS as folder

    on_disk = {p.name for p in folder.glob("tf1_*.py") if not p.name.startswith("tf1_contrib_")}
    assert on_disk == set(SCRIPTS)
