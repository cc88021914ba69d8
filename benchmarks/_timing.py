"""The timing loop the benchmarks share (imported by the scripts next to it; not a benchmark itself)."""
import time


def samples(fn, repeat: int, warmup: bool = True) -> list[float]:
    """Wall seconds of ``repeat`` calls of ``fn`` (after one untimed call when ``warmup``)."""
    if warmup:
        fn()
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out
