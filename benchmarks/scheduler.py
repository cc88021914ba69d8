"""Cost of ``ascend_sim.sim.simulate``: a synthetic N-task program and, with ``--resnet``, the lowered
ResNet-50 b256 training program (tf.keras.applications, weights=None), next to its lowering time.

The synthetic program cycles through conv / BN reduce / ReLU / matmul / AI CPU / all-reduce / view tasks
(costed once by the op registry, outside the timing), each depending on the previous task and on one
earlier task picked by a seeded generator; sunk GetNext at the head. Each case is timed ``--repeat`` times
in this process after one warm-up call; the table gives min and median and the time per task execution
(tasks x iterations). The ResNet-50 row puts simulate next to ``lower`` of the same graph in the same run.

    .venv/bin/python benchmarks/scheduler.py [--tasks 2000] [--iterations 1 10] [--repeat 5] [--resnet]
"""
import argparse
import os
import random
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from ascend_sim import hw as hwlib  # noqa: E402
from ascend_sim.graph.program import Program, Task  # noqa: E402
from ascend_sim.ops import registry  # noqa: E402
from ascend_sim.ops.desc import OpInstance, TensorDesc as T  # noqa: E402
from ascend_sim.options import NpuOptions  # noqa: E402
from ascend_sim.sim import simulate  # noqa: E402
from _timing import samples  # noqa: E402

ACT = T((32, 28, 28, 64), "float16", "NC1HWC0", "NHWC")
CHAN = T((64,), "float32", "NC1HWC0")
PROTOS = (
    ("Conv2D", (ACT, T((3, 3, 64, 64), "float16", "FRACTAL_Z", "HWCN")), (ACT,), {"strides": (1, 1, 1, 1)}),
    ("BNTrainingReduce", (ACT,), (CHAN, CHAN), {}),
    ("Relu", (ACT,), (ACT,), {}),
    ("MatMulV2", (T((256, 1024)), T((1024, 1024))), (T((256, 1024)),), {}),
    ("DropOutGenMask", (T((2,), "int32"), T((), "float16")), (T((4096,), "uint8"),), {}),
    ("HcomAllReduce", (T((1024, 1024)),), (T((1024, 1024)),), {}),
    ("Identity", (ACT,), (ACT,), {}),
)


def synthetic_program(n: int, hw, seed: int = 0) -> Program:
    rng = random.Random(seed)
    tasks = []
    getnext = OpInstance("GetNext", (), (T((32, 28, 28, 64)),))
    tasks.append(Task(0, "getnext", "GetNext", "aicpu", getnext, registry.cost("GetNext", getnext, hw),
                      ("IteratorGetNext",), (), (), "DATA"))
    costs = {}
    for i in range(1, n):
        op, ins, outs, attrs = PROTOS[i % len(PROTOS)]
        inst = OpInstance(op, ins, outs, attrs)
        if op not in costs:
            costs[op] = registry.cost(op, inst, hw)
        deps = tuple(sorted({i - 1, rng.randrange(i)}))
        tasks.append(Task(i, f"{op}_{i}", op, registry.unit_of(op, inst), inst, costs[op], (f"{op}_{i}",), (),
                          deps, "FP" if i < n // 2 else "BP"))
    return Program(tuple(tasks), 0, (), (), None, None, (), NpuOptions(enable_data_pre_proc=True), hw.name)


def row(label: str, times: list[float], executions: int) -> str:
    best, med = min(times) * 1e3, statistics.median(times) * 1e3
    return f"{label:<52} {best:9.1f} {med:9.1f} {best * 1e3 / executions:12.2f}"


def resnet(repeat: int, hw) -> list[str]:
    import logging

    import tensorflow.compat.v1 as tf

    from ascend_sim.graph import lower

    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [256, 224, 224, 3], name="images")
        labels = tf.placeholder(tf.int32, [256], name="labels")
        logits = tf.keras.applications.ResNet50(weights=None, input_shape=(224, 224, 3))(x, training=True)
        loss = tf.reduce_mean(tf.keras.losses.sparse_categorical_crossentropy(labels, logits))
        with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
            train = tf.train.MomentumOptimizer(0.1, 0.9).minimize(loss)
    options = {"precision_mode": "allow_mix_precision", "iterations_per_loop": 10}
    programs = []
    lower_times = samples(lambda: programs.append(lower(graph, fetches=[train.name], options=options, hw=hw)),
                        repeat)
    program = programs[-1]
    sim_times = samples(lambda: simulate(program, hw, 1, batch=256), repeat)
    n = len(program.tasks)
    ratio = min(sim_times) / min(lower_times)
    return [row(f"ResNet-50 b256 lower ({n} tasks)", lower_times, n),
            row(f"ResNet-50 b256 simulate (1 loop x 10 iterations)", sim_times, n * 10),
            f"simulate / lower (same run, min): {ratio:.3f}"]


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tasks", type=int, default=2000)
    ap.add_argument("--iterations", type=int, nargs="+", default=[1, 10])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--resnet", action="store_true", help="also lower + simulate ResNet-50 b256 (needs TF)")
    args = ap.parse_args(argv)
    hw = hwlib.load()
    program = synthetic_program(args.tasks, hw)
    print(f"{'case':<52} {'min ms':>9} {'median ms':>9} {'us/task-run':>12}")
    for it in args.iterations:
        times = samples(lambda: simulate(program, hw, it), args.repeat)
        print(row(f"synthetic {args.tasks} tasks x {it} iteration(s)", times, args.tasks * it))
    if args.resnet:
        for line in resnet(args.repeat, hw):
            print(line)


if __name__ == "__main__":
    main()
