"""Grappler's virtual 910: the same peak FLOP/s and HBM bandwidth as the preset."""
import pytest

from ascend_sim.calibration import grappler


def test_virtual_device_has_the_chip_peak_and_bandwidth(spec):
    dev = grappler.device_for(spec)
    assert dev.peak_flops == pytest.approx(spec.peak_cube_flops_per_s())
    assert dev.bandwidth_bytes_per_s == pytest.approx(spec.hbm_bandwidth_bytes_per_s)
    assert dev.num_cores == spec.chip.ai_core_count


def test_grappler_predicts_a_step_that_grows_with_the_batch(spec):
    from ascend_sim.calibration import workloads

    small = workloads.resnet50_v15(batch=4, image_size=64, stages=(1, 1, 1, 1))
    large = workloads.resnet50_v15(batch=16, image_size=64, stages=(1, 1, 1, 1))
    t_small, t_large = grappler.step_time_us(small, spec), grappler.step_time_us(large, spec)
    assert 0 < t_small < t_large
