# ngxwasm — every entry point a user or CI needs.
#   make start   set up everything, build the examples, serve them on 127.0.0.1:18080
#   make test    set up everything and run the whole test suite (test/package packs the npm
#                package and installs it under the system's temp directory: the npm registry or cache)
#   make bench   the module against nginx's own handlers, Lua and njs: req/s, latency, memory, start-up
#   make fuzz    libFuzzer on the nginx module's wasm reader, FUZZ_SECONDS (600)
#   make faults  the fault campaign: fault matrix, crafted modules, long soak, under ASan too
# Each target installs its own dependencies (Debian packages, npm ci).

SHELL := /bin/bash
NODE_BIN := node_modules/.bin
# libclang-rt-14-dev: libFuzzer and the sanitizers for clang (make fuzz, test/e2e/fuzz.test.ts)
# libasan8: the AddressSanitizer runtime nginx preloads for the ASan build of the module (test/faults)
# openssl, curl: certificates and handshakes of the TLS hooks (make start's sni-cert, test/e2e/tls.test.ts)
APT_PACKAGES := nginx nginx-dev wabt wrk gcc make clang libclang-rt-14-dev libasan8 openssl curl
# make bench only: Debian's Lua (with NDK, LuaJIT) and njs modules and cjson for LuaJIT, the bench's rivals
BENCH_APT := libnginx-mod-http-ndk libnginx-mod-http-lua libnginx-mod-http-js lua-cjson
NGXWASM := node bin/ngxwasm.js
EXAMPLES := $(sort $(dir $(wildcard guests/*/index.ts)))
MODULE_SO := build/module/ngx_http_wasm_module.so
FUZZ_SECONDS ?= 600
# make faults: requests of the soak with the module and with its ASan build
SOAK_REQUESTS ?= 1000000
SOAK_ASAN_REQUESTS ?= 100000
# the suites of the fault campaign besides test/faults (those that exist)
FAULT_SUITES := $(wildcard test/e2e/request-failures.test.ts test/e2e/stack.test.ts test/e2e/yield.test.ts \
  test/e2e/header-edits.test.ts test/e2e/body-filter-memory.test.ts test/e2e/crafted-modules.test.ts)

.PHONY: all deps apt npm build ts gen check-gen guests module module-asan test fuzz faults start stop bench bench-apt clean

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

# A guest that does not build is reported and left out (make start serves the
# others; its own test fails in make test), so one broken guest in guests/
# does not stop the rest.
guests: ts
	@$(NGXWASM) build $(EXAMPLES) --out-dir build/guests || \
	  echo "make: some guests did not build (see above); the others are built"

module: apt
	bash nginx/module/build.sh build/module

# the module built with AddressSanitizer (own tree: build/nginx-src-asan), for
# nginx run with LD_PRELOAD=libasan.so.8; the tests build it on demand too
module-asan: apt
	bash nginx/module/build.sh build/module-asan --asan

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

# the fault campaign: test/faults (every trap kind x every phase with the
# module and its ASan build, malformed modules at nginx -t and reload under
# ASan, the soak with SOAK_REQUESTS / SOAK_ASAN_REQUESTS) and FAULT_SUITES.
# make test runs test/faults too, with a short soak.
faults: deps build module-asan
	$(NODE_BIN)/tsc -p tsconfig.test.json
	SOAK_REQUESTS=$(SOAK_REQUESTS) SOAK_ASAN_REQUESTS=$(SOAK_ASAN_REQUESTS) \
	  $(NODE_BIN)/vitest run test/faults $(FAULT_SUITES)

start: deps build
	bash nginx/start.sh

stop:
	bash nginx/stop.sh

# BENCH_ROUNDS (5), BENCH_SECONDS (3), BENCH_RATE (2000), BENCH_LATENCY_SECONDS (5);
# prints the tables, writes build/bench/results.json and build/bench/chart.svg
bench: deps bench-apt build
	node bench/bench.mjs

bench-apt:
	@$(MAKE) --no-print-directory apt APT_PACKAGES="$(BENCH_APT)"

clean:
	rm -rf dist build nginx/run
