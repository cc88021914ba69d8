"""Issue 9, item 4: physical sanity properties of the calibrated model, on reduced-size workloads."""
import ascend_sim
import pytest

from ascend_sim.calibration import workloads
from ascend_sim.ops.cost import matmul_cost


def _mac_ratio(cost):
    return cost.cycles_by_pipe["mac"] / cost.cycles


@pytest.mark.parametrize("shape", [(12288, 1024, 4096), (12288, 4096, 1024), (4096, 4096, 4096), (32768, 768, 3072)])
def test_large_matmuls_keep_the_cube_busy_but_not_perfectly(spec, shape):
    ratio = _mac_ratio(matmul_cost(*shape, spec))
    assert 0.8 <= ratio < 1.0                     # green in msprof-analyze's grading; fill/drain keeps it < 1


@pytest.mark.parametrize("shape", [(16, 16, 16), (32, 64, 32), (128, 64, 128)])
def test_tiny_matmuls_leave_the_cube_mostly_idle(spec, shape):
    assert _mac_ratio(matmul_cost(*shape, spec)) < 0.2


@pytest.fixture(scope="module")
def bert_by_batch():
    cfg = workloads.BERT_BASE.reduced(1)
    return {b: workloads.bert_pretraining(cfg, batch=b, seq=128, max_predictions=20) for b in (32, 64, 128)}


def test_mac_ratio_of_the_biggest_bert_matmuls(bert_by_batch, spec):
    w = bert_by_batch[64]
    profile = ascend_sim.analyze(w.graph, fetches=w.fetches, options=w.options, batch=w.batch, hw=spec)
    matmuls = [t for t in profile.tasks if t.iteration_id == 0 and t.op_type == "MatMulV2"]
    biggest = max(matmuls, key=lambda t: t.cost.flops)
    smallest = min(matmuls, key=lambda t: t.cost.flops)
    assert _mac_ratio(biggest.cost) >= 0.8
    assert _mac_ratio(smallest.cost) < _mac_ratio(biggest.cost) / 2


def test_nchw_convolutions_pay_for_transdata(spec):
    w = workloads.resnet50_v15(batch=8, image_size=64, stages=(1, 1, 1, 1), data_format="channels_first")
    profile = ascend_sim.analyze(w.graph, fetches=w.fetches, options=w.options, batch=w.batch, hw=spec)
    assert profile.share_of("TransData") > 0
    to_5hd = [t for t in profile.device_tasks if t.op_type == "TransData" and t.output_formats[0] == "NC1HWC0"
              and len(t.input_shapes[0]) == 4]           # an NCHW activation into the cube's 5HD layout
    assert to_5hd and all(t.duration_us > 0 for t in to_5hd)


def _step_us(workload, spec, **options):
    w = workload.with_options(**options) if options else workload
    return ascend_sim.analyze(w.graph, fetches=w.fetches, options=w.options, batch=w.batch, hw=spec).step_time_us()


def test_allow_mix_precision_speeds_up_an_fp32_bert(small_bert, spec):
    fp32_default = _step_us(small_bert, spec, precision_mode="allow_fp32_to_fp16")
    mixed = _step_us(small_bert, spec, precision_mode="allow_mix_precision")
    # the default already runs the cube in fp16; mixed precision also halves the vector ops' bytes
    assert mixed < 0.95 * fp32_default


def test_step_time_grows_about_linearly_with_batch_once_all_cores_are_busy(bert_by_batch, spec):
    steps = {batch: _step_us(w, spec) for batch, w in bert_by_batch.items()}
    per_sample = {b: s / b for b, s in steps.items()}
    assert steps[32] < steps[64] < steps[128]
    assert per_sample[128] <= per_sample[64] <= per_sample[32]          # fixed costs amortise, never grow
    # once all 32 cores are busy (32 x 128 tokens fill them), each added sample costs the same: the step is
    # affine in the batch (the optimizer update and other per-step work are the constant part)
    assert steps[128] - steps[64] == pytest.approx(2 * (steps[64] - steps[32]), rel=0.1)


def test_iterations_per_loop_removes_the_per_step_host_overhead(small_bert, spec):
    one = _step_us(small_bert, spec, iterations_per_loop=1)
    ten = _step_us(small_bert, spec, iterations_per_loop=10)
    host = spec.overheads.host_loop_us
    assert host > 0
    assert one - ten == pytest.approx(host * (1 - 1 / 10), rel=0.05)
