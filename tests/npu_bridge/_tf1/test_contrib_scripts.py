"""TF 1.15-style scripts using tf.contrib (tests/scripts/tf1_contrib_*.py), each run unmodified in a
fresh interpreter (plain ``import tensorflow as tf`` + ``from npu_bridge.npu_init import *``)."""
import math

import pytest

from testsupport.scripts import run_script


def test_slim_cnn(tmp_path):
    r = run_script("tf1_contrib_slim_cnn.py", tmp_path)
    assert r["loss_last"] < 0.2 * r["loss_first"] and r["accuracy"] > 0.9
    assert r["regularization"] == pytest.approx(r["expected_regularization"], rel=1e-5)
    assert r["moving_mean_abs"] > 0  # batch-norm statistics were updated by create_train_op
    assert r["trainable"] == ["conv1/BatchNorm/beta", "conv1/weights", "conv2/BatchNorm/beta", "conv2/weights",
                              "logits/biases", "logits/weights"]


def test_layers_mlp(tmp_path):
    r = run_script("tf1_contrib_layers_mlp.py", tmp_path)
    assert r["loss_last"] < 0.2 * r["loss_first"]
    assert r["collected"] == pytest.approx(r["expected_collected"], rel=1e-5)
    assert r["applied"] == pytest.approx(r["expected_applied"], rel=1e-5)
    assert r["layer_norm_vars"] == ["ln1/beta", "ln1/gamma"]


def test_hparams_flags(tmp_path):
    r = run_script("tf1_contrib_hparams_flags.py", tmp_path, "--hparams", "learning_rate=0.02,hidden=[12,6],steps=60")
    assert r["values"] == {"learning_rate": 0.02, "hidden": [12, 6], "activation": "relu", "steps": 60,
                           "use_bias": True}
    assert r["kernel_shapes"] == [[4, 12], [12, 6], [6, 1]]
    assert r["loss_last"] < r["loss_first"]
    assert r["cudnn_error"].startswith("tensorflow.contrib.cudnn_rnn is not provided by ascend-sim's TF 1.15 runtime")
    assert (tmp_path / "model" / "hparams.json").exists()


def test_lazy_adam_embedding(tmp_path):
    r = run_script("tf1_contrib_lazy_adam_embedding.py", tmp_path)
    assert r["loss_last"] < 0.3 * r["loss_first"]
    assert not r["unused_rows_changed"] and not r["unused_moments_nonzero"]
    assert r["used_rows_changed"] == r["used"]


def test_rnn_cells(tmp_path):
    r = run_script("tf1_contrib_rnn_cells.py", tmp_path)
    assert r["loss_last"] < 0.5 * r["loss_first"] and r["accuracy"] > 0.8
    assert "rnn/multi_rnn_cell/cell_0/lstm_cell/kernel" in r["variables"]
    assert "rnn/multi_rnn_cell/cell_1/layer_norm_basic_lstm_cell/state/gamma" in r["variables"]
    assert "lstm_fused_cell/kernel" in r["variables"] and r["fused_output_shape"] == [8, None, 8]


def test_birnn_tagger(tmp_path):
    r = run_script("tf1_contrib_birnn_tagger.py", tmp_path)
    assert r["loss_last"] < 0.5 * r["loss_first"] and r["accuracy"] > 0.85
    assert r["output_width"] == 24 and r["layers"] == 4 and r["padding_loss"] == 0.0
    assert r["scopes"] == [f"stack_bidirectional_rnn/cell_{i}/bidirectional_rnn/{d}" for i in (0, 1) for d in ("bw", "fw")]


def test_seq2seq_copy(tmp_path):
    r = run_script("tf1_contrib_seq2seq_copy.py", tmp_path)
    assert r["loss_last"] < 0.2 * r["loss_first"]
    assert r["token_accuracy"] > 0.8 and r["stopped_at_end"] > 0.8
    assert r["max_length"] <= 8 and r["decoder_variables"] == 6  # GRU gates/candidate kernel+bias, projection


def test_data_pipeline(tmp_path):
    r = run_script("tf1_contrib_data_pipeline.py", tmp_path)
    assert r["records_seen"] == list(range(24)) and r["batches"] == 6 and r["batch_shape"] == [4, 2]
    assert r["features_match_ids"]
    assert r["shuffled_batches"] == 48 // 7 and sum(r["shuffled_counts"]) == 42 and max(r["shuffled_counts"]) == 2
    assert r["windows"] == [[0, 1, 2], [2, 3, 4]]


def test_tpu_estimator(tmp_path):
    r = run_script("tf1_contrib_tpu_estimator.py", tmp_path)
    assert r["global_step"] == 40
    assert r["eval_loss"] < 0.5 * r["chance_loss"] and r["accuracy"] > 0.85
    assert r["scaffold_calls"] >= 1


def test_mixed_precision(tmp_path):
    r = run_script("tf1_contrib_mixed_precision.py", tmp_path)
    assert r["skipped"] == [r["overflow_step"]] and r["global_step"] == 29
    scales, k, n = r["scales"], r["overflow_step"], r["incr_every"]
    assert scales[k] == 0.5 * scales[k - 1]
    assert scales[n - 1] == 2 * scales[0] and scales[n - 2] == scales[0]
    assert r["loss_last"] < 0.01 * r["loss_first"]


def test_streaming_metrics(tmp_path):
    r = run_script("tf1_contrib_streaming_metrics.py", tmp_path)
    for name, value in r["expected"].items():
        assert r["streamed"][name] == pytest.approx(value, rel=1e-5 if name != "auc" else 2e-3), name
    assert 0.5 < r["streamed"]["auc"] < 1.0
    assert r["reset_mean"] == 0.0
    assert r["log_loss"] == pytest.approx(r["expected_log_loss"], rel=1e-5)


def test_finetune_checkpoint(tmp_path):
    r = run_script("tf1_contrib_finetune_checkpoint.py", tmp_path)
    assert r["restored_names"] == ["backbone/fc1/biases", "backbone/fc1/weights", "backbone/fc2/biases",
                                   "backbone/fc2/weights"]
    assert r["backbone_equal"]
    assert r["loss_last"] < 0.3 * r["loss_first"]


def test_adamw_ema(tmp_path):
    r = run_script("tf1_contrib_adamw_ema.py", tmp_path)
    assert r["loss_last"] < 0.05 * r["loss_first"]
    assert r["decayed_weight"] == pytest.approx(0.99 ** 150, rel=1e-3)  # decay only: no gradient reaches it
    assert r["evaluated"] == pytest.approx(r["average"], rel=1e-6)
    assert not math.isclose(r["evaluated"][0], r["raw"][0], rel_tol=1e-6)


def test_bilstm_crf(tmp_path):
    r = run_script("tf1_contrib_bilstm_crf.py", tmp_path)
    assert r["loss_last"] < 0.1 * r["loss_first"]
    assert r["accuracy"] > 0.95 and r["viterbi_agrees"] and r["transitions_shape"] == [3, 3]
