# The two commands of the README: `make run` (the default workflow) and `make test`.
# Both create the virtual environment .venv on first use (Python 3.11 to 3.13, CPU TensorFlow)
# and compile memelite's TOMTOM kernels into it once (deepresolve.motifs.numba_cache, about a minute),
# so that no analysis compiles them; another Python stops with the versions that work
# (scripts/check_python.py).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CORES ?= all
PYTEST_ARGS ?=

.PHONY: run test lint venv clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) scripts/check_python.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[cpu,workflow,dev]'
	$(BIN)/python -m deepresolve.motifs.numba_cache
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/snakemake --cores $(CORES)

lint: $(STAMP)
	$(BIN)/ruff check deepresolve scripts tests benchmarks
	$(BIN)/ruff format --check deepresolve scripts tests benchmarks
	$(BIN)/snakefmt --check Snakefile workflow/rules
	$(BIN)/snakemake --lint --cores 1

test: lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf results .snakemake logs benchmarks/results
