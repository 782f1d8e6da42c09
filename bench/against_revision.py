"""Run a benchmark on an earlier revision and on this tree, alternately, in the same run.

    python bench/against_revision.py REV SCRIPT [ARGS...] [--rounds N]

e.g. `python bench/against_revision.py 22ee3ca startup_memory.py --runs 3`. The earlier
revision is checked out in a temporary git worktree and its own copy of SCRIPT runs there (its
`bench/_common.py` puts that tree first on sys.path), with this virtualenv's packages. Rounds
alternate old, new, old, new... so that a machine getting busier or quieter biases neither side.
Each side's output is printed as it is; compare the figures and the ratios to each side's own
baseline (the echo bot), which absorbs most of the machine's noise.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_side(label: str, tree: Path, script: str, args: list[str]) -> None:
    print(f"--- {label} ({tree})", flush=True)
    subprocess.run([sys.executable, str(tree / "bench" / script), *args], cwd=tree, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revision", help="a commit, tag or branch of this repository")
    parser.add_argument("script", help="a script of bench/, e.g. answer_throughput.py")
    parser.add_argument("--rounds", type=int, default=2, help="old/new pairs (default 2)")
    args, script_args = parser.parse_known_args()
    with tempfile.TemporaryDirectory(prefix="relais-bench-") as tmp:
        old = Path(tmp) / "old"
        subprocess.run(
            ["git", "worktree", "add", "--detach", "--quiet", str(old), args.revision],
            cwd=ROOT,
            check=True,
        )
        try:
            for round_number in range(1, args.rounds + 1):
                print(f"=== round {round_number}/{args.rounds}", flush=True)
                run_side(f"old: {args.revision}", old, args.script, script_args)
                run_side("new: this tree", ROOT, args.script, script_args)
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(old)], cwd=ROOT, check=False
            )


if __name__ == "__main__":
    main()
