# Two commands on a fresh machine with Python 3.11+:  make run  |  make test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
REQ_STAMP := $(VENV)/.requirements-$(shell cat requirements.txt | cksum | cut -d' ' -f1)
# The Typesense cluster backend's packages (~730 MB with the server binary): only `make cluster`,
# `make cluster-stop` and `make test` install them, so `make run` stays light.
CLUSTER_REQ_STAMP := $(VENV)/.cluster-requirements-$(shell cat requirements.txt requirements-cluster.txt | cksum | cut -d' ' -f1)
# `SEARCH_BACKEND=typesense make run` needs the cluster's client too
RUN_STAMP = $(if $(filter typesense,$(SEARCH_BACKEND)),$(CLUSTER_REQ_STAMP),$(REQ_STAMP))
HOST ?= 127.0.0.1
PORT ?= 5000
export HOST PORT

.PHONY: run test soak build bench bench-backends browser-deps ocr-deps clean help cluster cluster-stop cluster-status

help:
	@echo "make run    - install, index corpus/ (incrementally), serve http://$(HOST):$(PORT)"
	@echo "make test   - install, run the whole test suite"
	@echo "make bench  - run the benchmark suite (bench/)"
	@echo "make bench-backends - local vs a 3-node Typesense cluster at 100k passages (bench/backends.py)"
	@echo "make soak   - the robustness tests at full length (24 kill -9, 8 Ctrl-C, 12 rebuilds, 60 s load, 2000 fuzz cases per route)"
	@echo "make cluster      - start 3 Typesense nodes on 127.0.0.1 (API 8108, 8208, 8308), write instance/cluster/env"
	@echo "make cluster-stop - stop the nodes that make cluster started"

$(REQ_STAMP): requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=...)")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@rm -f $(VENV)/.requirements-*
	@touch $@

$(CLUSTER_REQ_STAMP): $(REQ_STAMP) requirements-cluster.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-cluster.txt
	@rm -f $(VENV)/.cluster-requirements-*
	@touch $@

# Three Typesense nodes for SEARCH_BACKEND=typesense: data, PID files and logs under instance/cluster/,
# settings in instance/cluster/env. Both targets can be run again: they keep (or leave) what is there.
cluster: $(CLUSTER_REQ_STAMP)
	$(BIN)/python -m indexer.index.typesense.nodes start

cluster-stop: $(CLUSTER_REQ_STAMP)
	$(BIN)/python -m indexer.index.typesense.nodes stop

cluster-status: $(CLUSTER_REQ_STAMP)
	@$(BIN)/python -m indexer.index.typesense.nodes status

build: $(RUN_STAMP) ocr-deps
	$(BIN)/python -m indexer build

run: $(RUN_STAMP) ocr-deps
	@$(BIN)/python -m indexer build || echo "indexing failed: serving the previously built index, if any" >&2
	$(BIN)/python app.py

test: $(CLUSTER_REQ_STAMP) browser-deps ocr-deps
	$(BIN)/python -m pytest -q

# The robustness tests of tests/robustness at full length (about ten minutes on 2 cores);
# the figures are printed at the end and written to tests/artifacts/robustness-figures.json.
soak: $(REQ_STAMP)
	ROBUSTNESS_SOAK=1 ROBUSTNESS_FIGURES=tests/artifacts/robustness-figures.json $(BIN)/python -m pytest -q tests/robustness

bench: $(REQ_STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

# The backend as a column: 100k passages on the local engine and on 3 Typesense nodes started (and
# stopped) by the bench on free ports; BENCH_ARGS="--size 1m --only cluster" for the large run.
bench-backends: $(CLUSTER_REQ_STAMP)
	$(BIN)/python -m bench.backends $(BENCH_ARGS)

# Browser tests drive Debian's Chromium (with a Chinese font, so screenshots show the text);
# installed here when we are root, skipped (with a message) otherwise.
browser-deps:
	@if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi "wqy\|noto.*cjk"; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing chromium and a Chinese font for the browser tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null) \
		|| echo "could not install chromium: browser tests will be skipped"; \
	else echo "chromium not found and not root: browser tests will be skipped (apt-get install chromium fonts-wqy-microhei)"; fi

# OCR for scanned PDFs: tesseract with Simplified/Traditional Chinese and English. Installed here when
# we are root (as browser-deps); otherwise scanned pages are reported "no text layer; OCR not installed".
OCR_PACKAGES := tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-chi-tra tesseract-ocr-eng
ocr-deps:
	@if command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx chi_sim \
		&& tesseract --list-langs 2>/dev/null | grep -qx eng; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing tesseract (chi_sim, chi_tra, eng) for scanned PDFs"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(OCR_PACKAGES) >/dev/null) \
		|| echo "could not install tesseract: scanned PDFs will be reported, not read"; \
	else echo "tesseract with chi_sim+eng not found and not root: scanned PDFs will be reported, not read" \
		"(sudo apt-get install $(OCR_PACKAGES))"; fi

clean:
	rm -rf instance/index .pytest_cache
