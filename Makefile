# ImmunoPrep — two commands: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
# Debian packages the full test suite needs: a browser for UI tests, pdftoppm to render PDFs,
# a CJK fallback font for names such as 李小龍 in the PDF, npm for LHC-Forms (FHIR round trip), and
# nginx for `make serve` (several replicas behind one proxy) and its test.
SYSTEM_PACKAGES := chromium poppler-utils fonts-droid-fallback fonts-dejavu-core npm nginx
LFORMS := tests/lforms
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)

.PHONY: run serve test lint bench load system-deps lforms clean

$(VENV)/.runtime: requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required (try: sudo apt-get install python3.11 python3.11-venv python3.11-dev)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

run: $(VENV)/.runtime
	$(PY) -m rules
	$(PY) -m streamlit run app.py --server.port $(PORT)

# REPLICAS copies of the app on loopback ports PORT+100... behind one nginx on PORT, each browser
# kept on one replica by a cookie (deploy/nginx.conf.template). Ctrl-C stops them all.
REPLICAS ?= 2
serve: $(VENV)/.runtime
	$(PY) -m rules
	$(PY) deploy/serve.py --replicas $(REPLICAS) --port $(PORT)

system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	[ -f /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf ] || missing="$$missing fonts-droid-fallback"; \
	[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing="$$missing fonts-dejavu-core"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null || missing="$$missing nginx"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages needed by the tests:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

# NLM's LHC-Forms, pinned in tests/lforms/package-lock.json, for the FHIR round-trip browser test.
lforms: system-deps
	@[ -d $(LFORMS)/node_modules ] || npm ci --prefix $(LFORMS)

# Lint and format checks first: they take a second and name the line.
lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Two workers, one test file each at a time (-n 2 --dist loadfile): each browser module keeps its own
# server and Chromium, and the suite takes about a third of the serial time on a 2-core machine.
test: lint system-deps lforms
	$(PY) -m pytest -q -n $(or $(WORKERS),2) --dist loadfile

bench: $(VENV)/.dev
	$(PY) -m bench $(if $(QUICK),--quick,)

# 20 concurrent browser walkthroughs + 4 that drop out (end to end, in Chromium), then capacity:
# simulated patients over Streamlit's WebSocket protocol against one server and 1 vs 2 replicas
# behind nginx (bench/capacity.py writes the Capacity section of docs/BENCHMARKS.md). QUICK=1: short.
load: $(VENV)/.dev system-deps
	$(PY) -m bench.load --sessions $(or $(SESSIONS),$(if $(QUICK),4,20)) --drops $(if $(QUICK),1,4) --limit 600 --json docs/load.json
	$(PY) -m bench.capacity $(if $(QUICK),--quick,)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
