PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXTRAS_STAMP := $(VENV)/.installed-extras

.PHONY: run test check bench clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/baocao

# The optional extras' tests need them: installed for `make test`, never for `make run`.
$(EXTRAS_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e ".[dev,dask,plot,spacy,readers]"
	touch $(EXTRAS_STAMP)

test: $(EXTRAS_STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest

# Lint and the layer contracts of annotations/ (pyproject.toml [tool.importlinter]).
check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

bench: $(EXTRAS_STAMP)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; HF_HUB_OFFLINE=1 $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
