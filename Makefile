# Thin wrapper over CMake; `make demo` and `make test` do all set-up on a
# fresh machine (packages through scripts/install-deps, then configure).
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps configure build test demo bench clean

all: build

deps:
	@bash scripts/install-deps

$(BUILD)/build.ninja: | deps
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS)

configure: $(BUILD)/build.ninja

build: configure
	cmake --build $(BUILD) -j $(JOBS)

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

demo: build
	bash scripts/demo $(BUILD)

bench: build
	bash scripts/bench $(BUILD)

clean:
	rm -rf $(BUILD)
