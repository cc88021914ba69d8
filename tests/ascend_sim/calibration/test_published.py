"""The published-figure table: data with sources, and its arithmetic."""
import pytest

from ascend_sim.calibration import PUBLISHED, lookup


def test_every_row_has_a_source_and_a_per_chip_figure():
    keys = [r.key for r in PUBLISHED]
    assert len(set(keys)) == len(keys) == 3
    for row in PUBLISHED:
        assert row.source.startswith(("http", "MS-MODELS")) and row.samples_per_s > 0 and row.batch > 0


@pytest.mark.parametrize("key, batch, per_s", [("resnet50_v15", 256, 2115.0), ("bert_large", 96, 269.0)])
def test_step_time_is_batch_over_throughput(key, batch, per_s):
    row = lookup(key)
    assert (row.batch, row.samples_per_s) == (batch, per_s)
    assert row.step_ms == pytest.approx(batch / per_s * 1000)


def test_bert_base_is_derived_from_the_8p_step_time_and_says_so():
    row = lookup("bert_base")
    assert row.step_ms == pytest.approx(284.0)              # 256 sequences per chip in 284 ms
    assert round(row.samples_per_s) == 901 and "8-chip" in row.derived


def test_lookup_lists_known_keys():
    with pytest.raises(KeyError, match="known: resnet50_v15, bert_large, bert_base"):
        lookup("gpt")
