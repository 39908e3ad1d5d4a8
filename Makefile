# The two commands of the README. Both provision what is missing first (scripts/setup.sh).
.PHONY: demo test setup

demo: setup
	.venv/bin/tracuu demo

test: setup
	.venv/bin/ruff check .
	.venv/bin/python -m pytest

setup:
	bash scripts/setup.sh
