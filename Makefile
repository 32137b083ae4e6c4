# dnkdata: `make dataset` and `make test` set up .venv themselves on a machine with Python >= 3.11 and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
RAW    := datasets/raw
BUILD  := datasets/build
DEV    := ../shared/corpus/dev

.PHONY: venv dataset test eval bench release dictionary example-chart clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps cffconvert==2.0.0  # see pyproject
	@touch $(STAMP)

venv: $(STAMP)

dataset: venv
	$(BIN)/dnkdata build $(RAW) --out $(BUILD)
	$(BIN)/dnkdata validate $(BUILD)
	$(BIN)/dnkdata dictionary
	$(BIN)/dnkdata chart --dir $(BUILD) --out $(BUILD)/price-series.png

test: venv
	$(BIN)/python -m pytest

eval: venv
	@if [ -d $(DEV)/gold ]; then \
		$(BIN)/dnkdata evaluate --gold $(DEV)/gold --raw $(DEV)/raw \
			--summary-json docs/accuracy.json --methodology docs/methodology.md; \
	else echo "no gold corpus at $(DEV): nothing to evaluate"; fi

bench: venv
	$(BIN)/python benchmarks/bench.py --out docs/performance.md

release: venv
	@test -n "$(VERSION)" || { echo "usage: make release VERSION=x.y.z"; exit 2; }
	$(BIN)/dnkdata release $(VERSION) $(if $(DATE),--date $(DATE)) $(if $(PROFILE),--profile $(PROFILE))
	$(BIN)/dnkdata verify $(VERSION)

# docs/price-series.png: the same chart code, drawn from the invented example market reports
example-chart: venv
	$(BIN)/dnkdata build datasets/examples/market-reports --out datasets/build-examples
	$(BIN)/dnkdata chart --dir datasets/build-examples --out docs/price-series.png \
		--note "Invented example captures (datasets/examples/market-reports), not real observations"

dictionary: venv
	$(BIN)/dnkdata dictionary

clean:
	rm -rf $(BUILD) .pytest_cache
