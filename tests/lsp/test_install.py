"""``ecs-lint server`` in an installation without the server extra (pygls): it says what to
install, in one line, instead of a traceback."""

from __future__ import annotations

import subprocess
import sys


def test_without_pygls_the_command_says_what_to_install() -> None:
    # The environment an installation without the server extra has: pygls cannot be imported.
    script = (
        "import sys\nsys.modules['pygls'] = None\nfrom ecs_lint.cli import main\nmain(['server'])\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=60
    )
    assert run.returncode == 2
    assert run.stdout == ""
    assert run.stderr.startswith("ecs-lint: error: ecs-lint server needs pygls>=2.1,<3")
    assert "pip install 'ecs-lint[server]'" in run.stderr
    assert sys.executable in run.stderr
    assert "Traceback" not in run.stderr
