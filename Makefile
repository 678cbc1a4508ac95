# One entry point for humans and CI. Every target installs what it needs into .venv first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml sdk/pyproject.toml | sha1sum | cut -c1-12)

.PHONY: install system-deps run test lint typecheck bench demo clean

$(STAMP): pyproject.toml sdk/pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]' -e ./sdk
	@rm -f $(VENV)/.installed-*; touch $(STAMP)

install: $(STAMP)

# Debian packages the tests drive for real: chromium (browser tests through Playwright, never a
# downloaded browser), nginx (the gateway's proxy mode) and promtool (from the prometheus package: the
# alert rules' unit tests; the Prometheus server it also installs is not started).
system-deps:
	@command -v chromium >/dev/null && command -v nginx >/dev/null || { \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium nginx-light >/dev/null; }
	@command -v promtool >/dev/null || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null; }

run: install
	$(PY) scripts/run.py

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: install
	$(PY) -m mypy services tests scripts bench sdk/netsynchro

test: install system-deps lint typecheck
	$(PY) -m pytest -q -p no:cacheprovider

bench: install
	$(PY) -m bench

# With `make run` up in another terminal: a school's back-to-school sequence through the SDK.
demo: install
	$(PY) scripts/demo.py

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache

.PHONY: deploy-check
# Render both Kubernetes overlays, lint the Dockerfile, run promtool on the alert rules and their unit
# tests and check the dashboard's metrics (tests/deploy/ checks much more in `make test`).
deploy-check: install system-deps
	@for overlay in dev prod; do \
		$(VENV)/bin/kubectl kustomize deploy/k8s/overlays/$$overlay >/dev/null && echo "overlay $$overlay renders"; \
	done
	$(VENV)/bin/hadolint Dockerfile
	$(PY) scripts/check_monitoring.py
