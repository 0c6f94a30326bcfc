# Set-up and everyday commands. Every target creates or refreshes the project's
# virtual environment (.venv) from the lock file first, and does nothing more
# when pyproject.toml and the lock have not changed since the last install.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
LOCK := requirements/lock.txt
STAMP := $(VENV)/.mlkit-installed
TEST_JOBS ?= 2
PORT ?=

.PHONY: lab test test-numeric app site bench lock notebooks exercises doctor clean-venv

$(STAMP): pyproject.toml $(LOCK)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "mlkit needs Python 3.11 or newer; set PYTHON=python3.x")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c $(LOCK) -e '.[test,site]'
	@touch $(STAMP)

lab: $(STAMP)  ## copy the notebooks into workspace/ (never overwriting yours) and open JupyterLab there
	$(VENV)/bin/mlkit lab $(if $(PORT),--port $(PORT)) $(if $(DEST),--dest $(DEST))

test: $(STAMP)  ## run the whole test suite (unit tests and every notebook), then the notebooks under a second numeric configuration
	$(PY) -m pytest -n $(TEST_JOBS) --dist loadfile --durations=25
	$(MAKE) --no-print-directory test-numeric

site: $(STAMP)  ## build the course as a static website in build/site (offline); OUT=DIR elsewhere
	$(VENV)/bin/mlkit site build $(if $(OUT),--out $(OUT))

app: $(STAMP)  ## serve the decision workbook as a web app
	$(VENV)/bin/mlkit app $(if $(PORT),--port $(PORT))

bench: $(STAMP)  ## run the benchmarks and print their figures
	$(PY) -m benchmarks

notebooks: $(STAMP)  ## re-execute and normalise the stored notebooks
	$(VENV)/bin/mlkit notebooks run

exercises: $(STAMP)  ## regenerate exercises/ from solutions/
	$(VENV)/bin/mlkit exercises build

doctor: $(STAMP)  ## check the installation
	$(VENV)/bin/mlkit doctor

lock:  ## refresh requirements/lock.txt with the newest versions that install together
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --disable-pip-version-check '.[test,site]'
	{ echo "# Exact versions the kit is tested with. Refresh with: make lock"; \
	  echo "# Python $$(.lock-venv/bin/python -c 'import platform; print(platform.python_version())')"; \
	  .lock-venv/bin/pip freeze --all --exclude mlkit-course --exclude pip --exclude setuptools; } > $(LOCK)
	rm -rf .lock-venv build mlkit_course.egg-info
	bash deploy/tljh/make-requirements.sh
	@echo "wrote $(LOCK) and deploy/tljh/requirements.txt; run make test before committing them"

clean-venv:  ## remove the virtual environment
	rm -rf $(VENV)

# The second numeric configuration: another OpenBLAS kernel and NumPy without its AVX2/AVX-512
# code paths. Stored outputs must not change (see README, Testing).
NUMERIC_ENV := OPENBLAS_CORETYPE=Prescott NPY_DISABLE_CPU_FEATURES="X86_V3 X86_V4 AVX512_ICL AVX512_SPR" XLA_FLAGS=--xla_cpu_max_isa=SSE4_2

test-numeric: $(STAMP)  ## re-run the lessons and solutions under a second numeric configuration
	$(NUMERIC_ENV) $(PY) -m pytest -n $(TEST_JOBS) --dist loadfile notebooks solutions
