# Two commands a fresh machine needs: `make run` and `make test`. Both install first.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock | sha1sum | cut -c1-12)

.PHONY: install run test bench clean

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "sectorscope needs Python >= 3.11"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements.lock -e ".[test]"
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

run: install
	$(VENV)/bin/sectorscope run

test: install
	$(PY) -m pytest -q

bench: install
	$(PY) benchmarks/store.py
	$(PY) benchmarks/extract.py
	$(PY) benchmarks/audit.py
	$(PY) benchmarks/forecast.py

clean:
	rm -rf $(VENV) out .pytest_cache .hypothesis
