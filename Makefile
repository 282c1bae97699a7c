# guide_cms: `make demo` runs the demo, `make test` runs the whole suite
# (SQLite, then PostgreSQL) and builds the documentation. Both build the
# environment they need first. `make docs` builds the documentation alone.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Reinstall when the dependencies change.
STAMP  := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
PYTEST_WORKERS ?= 2
# The demo server's port: `make demo PORT=8001` when 8000 is taken.
PORT ?= 8000
export GUIDE_CMS_ADMIN_SITE_URL ?= http://127.0.0.1:$(PORT)

.PHONY: setup system-packages demo serve docs lint test test-sqlite test-postgres check-deploy messages check benchmark clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
	rm -f $(VENV)/.installed-*
	touch $@

## Compile the interface translations (Babel; no GNU gettext needed).
messages: $(STAMP)
	$(BIN)/pybabel compile --domain django --directory locale --statistics

system-packages:
	scripts/ensure-system-packages.sh

setup: $(STAMP) messages system-packages
	mkdir -p var
	$(BIN)/python manage.py migrate --no-input

## The demo server's address, kept in var/demo-address: commands run from a shell later (export_channels) give
## patients the same address in pages and handouts.
demo: setup
	echo "$(GUIDE_CMS_ADMIN_SITE_URL)" > var/demo-address
	$(BIN)/python manage.py demo
	$(MAKE) serve

serve:
	mkdir -p var && echo "$(GUIDE_CMS_ADMIN_SITE_URL)" > var/demo-address
	@echo "guide_cms admin: http://127.0.0.1:$(PORT)/admin/ (demo accounts in README.md)"
	@echo "exported site:   http://127.0.0.1:$(PORT)/site/ (the admin's View site)"
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

check: setup
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

## The benchmark on a 50-guide × 10-section × 5-language library (40 minutes on 2 busy cores; docs: For developers, The benchmark).
## It lives in benchmarks/, beside the product and never installed: `$(BIN)/python -m benchmarks --help` lists its options.
benchmark: setup
	$(BIN)/python -m benchmarks --guides 50 --sections 10 --languages 5 --json var/benchmark.json

## The documentation site (docs/, mkdocs.yml) into var/docs-site/, offline. Strict: a broken link, a page
## left out of the nav or a reference the code no longer matches fails the build.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --clean --site-dir var/docs-site

## ruff, and import-linter's contracts ([tool.importlinter] in pyproject.toml): each app imports only the apps
## below it, and no modules import each other in a circle (docs: For developers, Architecture).
lint: $(STAMP)
	$(BIN)/ruff check guide_cms tests docs benchmarks
	$(BIN)/lint-imports --no-logo

test: check-deploy docs test-sqlite test-postgres

## Django's deployment checks on the production settings, warnings included
## (a throwaway key; production refuses to start with a weak one).
check-deploy: $(STAMP)
	DJANGO_SETTINGS_MODULE=guide_cms.settings.production DATABASE_URL=sqlite:///:memory: ALLOWED_HOSTS=guides.example.org \
	GUIDE_CMS_SITE_URL=https://guides.clinic.test/ \
	SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	GUIDE_CMS_AUDIT_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	GUIDE_CMS_CHECKPOINT_KEY="$$($(BIN)/python scripts/new-checkpoint-key.py)" \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

test-sqlite: $(STAMP) messages lint
	scripts/ensure-system-packages.sh --browser
	DATABASE_URL= $(BIN)/python -m pytest -n $(PYTEST_WORKERS) -q

test-postgres: $(STAMP) messages
	scripts/ensure-system-packages.sh --browser
	DATABASE_URL="$$(scripts/ensure-postgres.sh)" GUIDE_CMS_DATABASE_TESTS_ONLY=1 $(BIN)/python -m pytest -n $(PYTEST_WORKERS) -q

clean:
	rm -rf $(VENV) var .pytest_cache .import_linter_cache
	find locale -name '*.mo' -delete
