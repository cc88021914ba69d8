"""Time to lower and cost a training graph: ascend-sim next to TF grappler's analytical ``MeasureCosts``.

Graphs (each built once per process, from ``tests/testsupport/tf_graphs.py``):

* ``resnet50_b256`` -- ResNet-50 v1.5 training step (tf.keras.applications, weights=None, Momentum), batch 256,
  224x224 (target: lowering + costing < 1 s);
* ``bert12_b32``    -- a 12-layer BERT-base-like encoder training step (seq 128, hidden 768, 12 heads, FFN 3072,
  vocab 30522, tanh-GeLU, dropout, layer norm, Adam), batch 32 (target < 3 s).

Per graph and repeat: ``ascend_sim.graph.lower`` then ``ascend_sim.sim.simulate`` (what ``ascend_sim.analyze``
does), and grappler on the same graph: ``export_meta_graph`` + ``Item`` (graph import, shape inference) and
``Cluster.MeasureCosts`` on a virtual cluster (``AnalyticalCostEstimator``; nothing executes). Its virtual
device is a "910 as a GPU" (256 TFLOP/s, 1.2 TB/s, every node placed on it), so its predicted step time is printed
next to ours for interest only (grappler has no Cube/Vector split, no overlap, no launch cost). Reported: min
and median of ``--repeat`` runs, and the same-run ratio grappler / ascend-sim.

    .venv/bin/python benchmarks/lowering.py [--repeat 3] [--json] [--graphs resnet50_b256,bert12_b32]
"""
import argparse
import json
import math
import os
import pathlib
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import tensorflow.compat.v1 as tf  # noqa: E402

tf.disable_v2_behavior()
tf.get_logger().setLevel("ERROR")

from testsupport import tf_graphs  # noqa: E402

from ascend_sim import hw as hwlib  # noqa: E402
from ascend_sim.graph import lower  # noqa: E402
from ascend_sim.sim import simulate  # noqa: E402

TARGETS_S = {"resnet50_b256": 1.0, "bert12_b32": 3.0}
GPU_NAME = "/job:localhost/replica:0/task:0/device:GPU:0"


def bert_encoder(layers=12, batch=32, seq=128, hidden=768, heads=12, vocab=30522, keep_prob=0.9):
    """``tf_graphs.bert_layer`` generalised to ``layers`` encoder layers (same building blocks)."""
    graph = tf.Graph()
    head = hidden // heads
    drop = 1 - keep_prob
    with graph.as_default():
        ids = tf.placeholder(tf.int32, [batch, seq], name="input_ids")
        labels = tf.placeholder(tf.int32, [batch], name="labels")
        table = tf.get_variable("embeddings", [vocab, hidden])
        x = tf.reshape(tf.gather(table, ids), [batch * seq, hidden])
        x = tf_graphs._layer_norm(x, "embeddings_ln")

        def split(t):
            return tf.transpose(tf.reshape(t, [batch, seq, heads, head]), [0, 2, 1, 3])

        for i in range(layers):
            with tf.variable_scope(f"layer_{i}"):
                q, k, v = (split(tf_graphs._dense(x, hidden, n)) for n in ("query", "key", "value"))
                scores = tf.matmul(q, k, transpose_b=True) / math.sqrt(head)
                probs = tf.nn.dropout(tf.nn.softmax(scores), rate=drop)
                context = tf.reshape(tf.transpose(tf.matmul(probs, v), [0, 2, 1, 3]), [batch * seq, hidden])
                attn = tf.nn.dropout(tf_graphs._dense(context, hidden, "attention_output"), rate=drop)
                x = tf_graphs._layer_norm(attn + x, "attention_ln")
                inter = tf_graphs._gelu(tf_graphs._dense(x, 4 * hidden, "intermediate"))
                out = tf.nn.dropout(tf_graphs._dense(inter, hidden, "output"), rate=drop)
                x = tf_graphs._layer_norm(out + x, "output_ln")
        pooled = tf.reduce_mean(tf.reshape(x, [batch, seq, hidden]), axis=1)
        logits = tf_graphs._dense(pooled, 2, "classifier")
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
        train = tf.train.AdamOptimizer(1e-4).minimize(loss)
    return tf_graphs.Built(graph, [train, loss], loss)


BUILDERS = {
    "resnet50_b256": (lambda: tf_graphs.resnet50(batch=256, size=224), 256),
    "bert12_b32": (lambda: bert_encoder(), 32),
}


def _grappler_cluster():
    from tensorflow.core.protobuf import device_properties_pb2
    from tensorflow.python.grappler import cluster

    props = device_properties_pb2.DeviceProperties(
        type="GPU", num_cores=32, frequency=62500, bandwidth=1200 * 10**6, environment={"architecture": "7"})
    named = device_properties_pb2.NamedDevice(name=GPU_NAME, properties=props)
    return cluster.Cluster(devices=[named])


def _grappler_once(built, vcluster):
    from tensorflow.python.grappler import item

    t0 = time.perf_counter()
    mg = tf.train.export_meta_graph(graph=built.graph)
    names = [f.name for f in built.fetches]
    mg.collection_def["train_op"].node_list.value.extend(n.split(":")[0] if ":" in n else n for n in names)
    for node in mg.graph_def.node:
        node.device = GPU_NAME
    it = item.Item(mg)
    t1 = time.perf_counter()
    _, run_time_s, _ = vcluster.MeasureCosts(it)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, run_time_s


def _stats(values):
    return {"min": min(values), "median": statistics.median(values)}


def measure(name, repeat, spec, vcluster):
    build, batch = BUILDERS[name]
    t0 = time.perf_counter()
    built = build()
    build_s = time.perf_counter() - t0
    lower_s, sim_s, total_s, item_s, mc_s, gr_total_s = [], [], [], [], [], []
    profile = program = grappler_step_s = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        program = lower(built.graph, fetches=built.fetches, hw=spec, batch=batch)
        t1 = time.perf_counter()
        profile = simulate(program, spec, 1, batch=batch, batch_source="given")
        t2 = time.perf_counter()
        lower_s.append(t1 - t0)
        sim_s.append(t2 - t1)
        total_s.append(t2 - t0)
        a, b, grappler_step_s = _grappler_once(built, vcluster)
        item_s.append(a)
        mc_s.append(b)
        gr_total_s.append(a + b)
    return {
        "graph": name, "batch": batch, "tf_nodes": len(built.graph.as_graph_def().node),
        "tasks": len(program.tasks), "build_s": build_s,
        "lower_s": _stats(lower_s), "simulate_s": _stats(sim_s), "ascend_sim_s": _stats(total_s),
        "grappler_item_s": _stats(item_s), "grappler_measure_costs_s": _stats(mc_s),
        "grappler_total_s": _stats(gr_total_s),
        "ratio_grappler_over_ascend_sim_median": statistics.median(g / a for g, a in zip(gr_total_s, total_s)),
        "target_s": TARGETS_S[name], "meets_target": min(total_s) < TARGETS_S[name],
        "predicted": _prediction(profile), "grappler_predicted_step_ms": grappler_step_s * 1e3,
    }


def _prediction(profile):
    """What ascend-sim predicts for the step, plus the shares the summary table leads with."""
    return {"step_ms": profile.step_time_us() / 1e3, "samples_per_s": profile.throughput_per_s(),
            "memory_peak_gib": profile.memory_peak_bytes / 2**30, "unknown_ops": list(profile.unknown_ops),
            "ai_core_busy": profile.busy_ratio("AI_CORE")}


def _fmt(s):
    return f"{s['min'] * 1e3:.0f} / {s['median'] * 1e3:.0f}"


def print_table(rows):
    head = ["graph", "TF nodes", "tasks", "lower ms", "simulate ms", "ascend-sim ms", "target",
            "grappler Item ms", "MeasureCosts ms", "grappler ms", "grappler/ascend-sim"]
    print("times: min / median over repeats; ratio: median of same-run ratios")
    print(" | ".join(head))
    for r in rows:
        print(" | ".join([r["graph"], str(r["tf_nodes"]), str(r["tasks"]), _fmt(r["lower_s"]), _fmt(r["simulate_s"]),
                          _fmt(r["ascend_sim_s"]), f"< {r['target_s']:.0f} s " + ("ok" if r["meets_target"] else "MISSED"),
                          _fmt(r["grappler_item_s"]), _fmt(r["grappler_measure_costs_s"]), _fmt(r["grappler_total_s"]),
                          f"{r['ratio_grappler_over_ascend_sim_median']:.2f}x"]))
    print()
    for r in rows:
        p = r["predicted"]
        pred = (f"step {p['step_ms']:.1f} ms, {p['samples_per_s']:.0f} samples/s, AI Core busy "
                f"{p['ai_core_busy']:.0%}, HBM peak {p['memory_peak_gib']:.1f} GiB, unknown ops {p['unknown_ops']}")
        print(f"{r['graph']}: ascend-sim predicts {pred} on Ascend910A; grappler ('910 as GPU') "
              f"{r['grappler_predicted_step_ms']:.1f} ms; graph build {r['build_s']:.1f} s (not timed above)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--graphs", default=",".join(BUILDERS), help="comma-separated: " + ", ".join(BUILDERS))
    args = parser.parse_args(argv)
    names = [n for n in args.graphs.split(",") if n]
    unknown = [n for n in names if n not in BUILDERS]
    if unknown or args.repeat < 1:
        parser.error(f"--graphs must be among {sorted(BUILDERS)} (got {unknown}); --repeat must be >= 1")
    spec = hwlib.load("Ascend910A")
    vcluster = _grappler_cluster()
    rows = [measure(n, args.repeat, spec, vcluster) for n in names]
    if args.json:
        print(json.dumps(rows, indent=2, default=str))
    else:
        print_table(rows)


if __name__ == "__main__":
    main()
