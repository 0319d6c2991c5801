# The README's two commands.
.PHONY: eval test bench

eval:  ## install, then evaluate the built-in offline suite (leaderboard + records in runs/)
	scripts/setup.sh
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 python3 -m transmodal suite offline --output runs

test:  ## install, then run the tests (fast suite, then slow real-model tests)
	scripts/test.sh

bench:  ## speed/memory side by side with the peer libraries
	python3 benchmarks/run_all.py
