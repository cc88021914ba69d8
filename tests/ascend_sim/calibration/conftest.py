"""Reduced-size calibration workloads shared by this folder's tests (built once per session)."""
import pytest

from ascend_sim import hw as hwlib
from ascend_sim.calibration import predict, workloads

SMALL_BERT = workloads.BERT_BASE.reduced(1)


@pytest.fixture(scope="session")
def spec():
    return hwlib.load()


@pytest.fixture(scope="session")
def small_bert():
    return workloads.bert_pretraining(SMALL_BERT, batch=16, seq=128, max_predictions=20, name="small_bert")


@pytest.fixture(scope="session")
def small_bert_prepared(small_bert, spec):
    return predict.prepare(small_bert, spec)


@pytest.fixture(scope="session")
def small_resnet():
    return workloads.resnet50_v15(batch=8, image_size=64, stages=(1, 1, 1, 1))
