"""Run ``project.process`` over the jobs, in worker processes with ``-j N``, reporting progress.

Workers are forked where the platform allows (the parent has TensorFlow and the support list loaded already;
the work itself is LibCST and ``ast``, no TensorFlow call), spawned elsewhere; the parent's objects are
frozen out of the cycle collector first (``gc.freeze``), so the workers do not copy the parent's heap page by
page as the collector would touch it. Results come back in job order,
so ``-j 4`` writes exactly what ``-j 1`` writes.
"""
from __future__ import annotations

import gc
import multiprocessing
import sys
import time

from npu_bridge.convert_tf2npu import apis, project

PROGRESS_MIN_FILES = 20      # a progress bar is shown on a terminal only for trees at least this large
BAR_WIDTH = 30
REFRESH_S = 0.1


class Progress:
    def __init__(self, total: int, stream=None, enabled: bool | None = None):
        self.stream = stream or sys.stderr
        if enabled is None:
            enabled = total >= PROGRESS_MIN_FILES and hasattr(self.stream, "isatty") and self.stream.isatty()
        self.enabled = enabled
        self.total, self.done = total, 0
        self.start = self.last = time.perf_counter()

    def update(self, n: int = 1):
        self.done += n
        now = time.perf_counter()
        if self.enabled and (now - self.last >= REFRESH_S or self.done == self.total):
            self.last = now
            filled = int(BAR_WIDTH * self.done / max(self.total, 1))
            rate = self.done / max(now - self.start, 1e-9)
            self.stream.write(f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {self.done}/{self.total} files "
                              f"{rate:6.1f} files/s")
            self.stream.flush()

    def close(self):
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


_RUN = None


def _init(run):
    global _RUN
    _RUN = run


def _work(job):
    return project.process(job, _RUN)


def _context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def run(jobs, options: project.RunOptions, workers: int = 1, progress: Progress | None = None):
    progress = progress or Progress(len(jobs), enabled=False)
    python_jobs = sum(1 for j in jobs if j.python)
    support = apis.load(options.support_list)     # loaded (and validated) once, before any fork
    apis._raw_op_index(), apis._renames(), apis._registry(), support
    results = []
    try:
        if workers <= 1 or python_jobs < 2:
            for job in jobs:
                results.append(project.process(job, options))
                progress.update()
            return results
        chunk = max(1, min(16, len(jobs) // (workers * 8)))
        gc.freeze()     # forked workers: the collector never walks (so never copies) the parent's objects
        try:
            with _context().Pool(workers, initializer=_init, initargs=(options,)) as pool:
                for result in pool.imap(_work, jobs, chunksize=chunk):
                    results.append(result)
                    progress.update()
        finally:
            gc.unfreeze()
        return results
    finally:
        progress.close()
