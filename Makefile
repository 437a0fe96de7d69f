.PHONY: run test bench build
run:   ## build (release) and serve on 127.0.0.1:8000
	scripts/run.sh
test:  ## build and run every test
	scripts/test.sh
bench: ## benchmark against nginx (see bench/README.md)
	bench/run.sh
build:
	swift build
