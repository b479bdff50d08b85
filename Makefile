# Two commands a fresh machine needs: `make run` and `make test`. Both install first.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock | sha1sum | cut -c1-12)
# Debian packages: Pango for WeasyPrint's PDFs, the Noto CJK font for Chinese in charts and PDFs,
# poppler-utils (pdftotext, which `sectorscope extract` reads PDF reports with; pdftoppm and pdffonts for the
# tests that read the PDFs back), Chromium for the dashboard's browser tests (Playwright drives Debian's build;
# no browser is downloaded), and Debian's JRE
# (17 on bookworm) for the record sets' Spark path (pyspark runs Spark in local mode inside it).
SYSTEM_PKGS := libpango-1.0-0 libpangoft2-1.0-0 fontconfig fonts-noto-cjk poppler-utils chromium default-jre-headless

.PHONY: install system run test lint typecheck bench clean

system:
	@missing=$$(for p in $(SYSTEM_PKGS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  echo "apt-get install" $$missing; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "sectorscope needs Python >= 3.11"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements.lock -e ".[test]"
	rm -f $(VENV)/.installed-* && touch $@

install: system $(STAMP)

run: install
	$(VENV)/bin/sectorscope run

test: install
	$(PY) -m pytest -q

lint: install
	$(VENV)/bin/ruff check src tests benchmarks

typecheck: install
	$(VENV)/bin/mypy

bench: install
	$(PY) benchmarks/store.py
	$(PY) benchmarks/extract.py
	$(PY) benchmarks/audit.py
	$(PY) benchmarks/forecast.py
	$(PY) benchmarks/api.py

clean:
	rm -rf $(VENV) out .pytest_cache .hypothesis
