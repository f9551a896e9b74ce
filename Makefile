# The two commands: `make run` starts Swan Desktop (embedded demo server when
# no server is configured); `make test` runs lint, types and the whole suite.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# The whole test run's limit in seconds (each test also has its own, in pyproject.toml).
TEST_LIMIT_S ?= 1800
# pytest-xdist worker processes. Most tests wait on sockets and timers, so three keep two cores
# busy; a file's tests stay together on one worker (--dist loadfile: module-scoped fixtures such
# as the PyInstaller bundle are made once). TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= 3

.PHONY: run test lint bench screenshots server clean bundle installer icons

run: $(STAMP)
	@if [ -z "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ] && command -v xvfb-run >/dev/null; then \
	  echo "No display: running on a virtual X screen (xvfb-run)."; \
	  xvfb-run -a $(BIN)/swan-desktop $(ARGS); \
	else \
	  $(BIN)/swan-desktop $(ARGS); \
	fi

test: $(STAMP)
	$(BIN)/ruff check swan_desktop tests $(wildcard benchmarks) docs/screenshots
	$(BIN)/mypy
	QT_QPA_PLATFORM=offscreen timeout -k 30 $(TEST_LIMIT_S) .ci/pg-cluster $(BIN)/python -m pytest -q -p no:cacheprovider \
	  -n $(TEST_WORKERS) --dist loadfile; \
	  status=$$?; \
	  if [ $$status -eq 124 ] || [ $$status -eq 137 ]; then \
	    echo "make test: the test run did not end within $(TEST_LIMIT_S) s and was stopped" >&2; \
	  fi; \
	  exit $$status

lint: $(STAMP)
	$(BIN)/ruff check swan_desktop tests $(wildcard benchmarks) docs/screenshots
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[bench]'
	PYTHONPATH=$(CURDIR) QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/schedule_views.py
	PYTHONPATH=$(CURDIR) QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/event_storm.py
	$(BIN)/python benchmarks/range_load.py
	$(BIN)/python benchmarks/realtime.py
	$(BIN)/python benchmarks/outbox.py
	$(BIN)/python benchmarks/write_throughput.py
	$(BIN)/python benchmarks/fanout_compare.py
	$(BIN)/python benchmarks/desktops.py
	$(BIN)/python benchmarks/reports_beside_changes.py
	PYTHONPATH=$(CURDIR) $(BIN)/python benchmarks/erasure.py

screenshots: $(STAMP)
	for script in take take_desktop notifications_shots collab_shots admin_shots calendar_shots feed_shots monitor studio_admin_shots desk_shots clients_shots; do \
	  QT_QPA_PLATFORM=offscreen $(BIN)/python docs/screenshots/$$script.py || exit 1; \
	done

# The PyInstaller one-folder bundle: dist/swan-desktop/ (its self-test runs in `make test`).
bundle: $(STAMP)
	packaging/build_bundle.sh dist build/pyinstaller

# On Windows with Inno Setup 6 (after the bundle): dist/swan-desktop-<version>-setup.exe
installer: bundle
	iscc /DAppVersion=$$($(BIN)/python packaging/version.py) /DBundleDir=dist\swan-desktop installer.iss

# Re-render the PNG sizes and the .ico from resources/icons/swan-desktop.svg.
icons: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python resources/make_icons.py

server: $(STAMP)
	$(BIN)/swan-server serve --demo --db studio.sqlite3

$(STAMP): pyproject.toml .ci/system-deps.sh
	bash .ci/system-deps.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
