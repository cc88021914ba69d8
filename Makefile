# ascend-sim: the two commands are `make demo` and `make test`.
PYTHON ?= python3.11
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test setup clean benchmarks calibrate

# (Re)install only when the project files change; `make` is idempotent.
$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip setuptools wheel
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(PY) examples/demo.py

test: $(STAMP)
	$(PY) -m pytest -q tests

# Same-run ratio benchmarks (never part of `make test`): every benchmarks/*.py (but _*.py helpers) with its default arguments;
# results are recorded in docs/performance.md (and docs/calibration.md for the calibration table).
benchmarks: $(STAMP)
	@set -e; for script in $(filter-out benchmarks/_%,$(wildcard benchmarks/*.py)); do echo "== $$script"; $(PY) $$script; done

# Predicted vs published throughput of the calibration workloads (docs/calibration.md).
calibrate: $(STAMP)
	$(PY) benchmarks/calibration.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
