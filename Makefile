# ngxwasm — every entry point a user or CI needs.
#   make start   set up everything, build the examples, serve them on 127.0.0.1:18080
#   make test    set up everything and run the whole test suite
#   make bench   wrk against nginx: `return 200` vs the hello guest
#   make fuzz    libFuzzer on the nginx module's wasm reader, FUZZ_SECONDS (600)
# Each target installs its own dependencies (Debian packages, npm ci).

SHELL := /bin/bash
NODE_BIN := node_modules/.bin
# libclang-rt-14-dev: libFuzzer and the sanitizers for clang (make fuzz, test/e2e/fuzz.test.ts)
APT_PACKAGES := nginx nginx-dev wabt wrk gcc make clang libclang-rt-14-dev
NGXWASM := node bin/ngxwasm.js
EXAMPLES := $(sort $(dir $(wildcard guests/*/index.ts)))
MODULE_SO := build/module/ngx_http_wasm_module.so
FUZZ_SECONDS ?= 600

.PHONY: all deps apt npm build ts gen check-gen guests module test fuzz start stop bench clean

all: build

# ---------------------------------------------------------------- set-up

deps: apt npm

# apt-get update runs once, and only when a package is missing.
apt:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(if $(filter 0,$(shell id -u)),,sudo) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(if $(filter 0,$(shell id -u)),,sudo) apt-get install -y -qq $$missing; \
	fi

npm: node_modules/.package-lock.json

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# ---------------------------------------------------------------- build

build: ts guests module

ts: npm
	$(NODE_BIN)/tsc -p tsconfig.json

gen: ts
	node dist/host-abi/generate.js
	$(NODE_BIN)/tsc -p tsconfig.json

check-gen: ts
	node dist/host-abi/generate.js --check

guests: ts
	$(NGXWASM) build $(EXAMPLES) --out-dir build/guests

module: apt
	bash nginx/module/build.sh build/module

# ---------------------------------------------------------------- run

test: deps build
	$(NODE_BIN)/tsc -p tsconfig.test.json
	$(NODE_BIN)/vitest run --reporter=default --reporter=json --outputFile.json=build/vitest.json
	@node -e 'const r = require("./build/vitest.json"); console.log(`$${r.numPassedTests} passed, $${r.numFailedTests} failed, $${r.numPendingTests + r.numTodoTests} skipped`)'

# the module's config-time wasm reader under libFuzzer (ASan + UBSan) for
# FUZZ_SECONDS; fails on a finding (the input lands in build/fuzz/). make test
# runs it for 30 s (test/e2e/fuzz.test.ts).
fuzz: apt module
	bash nginx/module/fuzz/run.sh $(FUZZ_SECONDS)

start: deps build
	bash nginx/start.sh

stop:
	bash nginx/stop.sh

bench: deps build
	bash bench/run.sh

clean:
	rm -rf dist build nginx/run
