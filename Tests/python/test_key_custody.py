"""Where keys live, exactly (issue 14): the front keeps an env-var key in a sealed memfd to hand to a
restarted worker; another process of the same user must not be able to read it through /proc/<front>/fd,
nor a worker's key through /proc/<worker>. Both processes are made non-dumpable, so those entries belong to
root. Run as root, the gateway and the prying process both run as `nobody`."""
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import tempfile

from conftest import BUILTINS, start_gateway

NO_BUILTINS = "".join(f"[providers.{name}]\nenabled = false\n" for name in BUILTINS)
SECRET = "custody-test-key-4f1d9a"
NOBODY = 65534
# The system's interpreter: one under /root is not reachable by `nobody`.
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable

PRY = r"""
import os, sys
found, refused, read = [], 0, 0
def pry(path, key):
    global read, refused
    try:
        with open(path, "rb") as handle:
            read += 1
            if key in handle.read(1 << 16):
                found.append(path)
    except PermissionError:
        refused += 1
    except OSError:
        pass
key = sys.argv[1].encode()
for pid in sys.argv[2:]:
    try:
        descriptors = os.listdir(f"/proc/{pid}/fd")
    except PermissionError:
        refused += 1
        descriptors = []
    for fd in descriptors:
        pry(f"/proc/{pid}/fd/{fd}", key)
    pry(f"/proc/{pid}/environ", key)
print(f"found={found} refused={refused} read={read}")
"""


def as_nobody():
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)


def test_no_process_of_the_same_user_reads_a_key_through_proc(fake_upstream):
    root = os.geteuid() == 0
    workdir = pathlib.Path(tempfile.mkdtemp(prefix="orchestra-custody-"))
    config = workdir / "config.toml"
    config.write_text(f'[server]\nlisten = "127.0.0.1:0"\nruntime_dir = "{workdir}/run"\n'
                      f'[usage]\ndatabase = "{workdir}/u.sqlite"\n{NO_BUILTINS}'
                      f'[providers.fake]\nbase_url = "{fake_upstream}"\napi_key_env = "CUSTODY_KEY"\n')
    if root:
        shutil.chown(workdir, NOBODY, NOBODY)
        shutil.chown(config, NOBODY, NOBODY)
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    env.update(CUSTODY_KEY=SECRET, HOME=str(workdir), XDG_STATE_HOME=str(workdir))
    process, _ = start_gateway(config, env, preexec_fn=as_nobody if root else None)
    try:
        workers = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True, text=True).stdout.split()
        assert workers, "the front has a worker"
        pry = subprocess.run([PYTHON, "-c", PRY, SECRET, str(process.pid), *workers], capture_output=True,
                             text=True, preexec_fn=as_nobody if root else None, timeout=30)
        assert pry.returncode == 0, pry.stderr
        assert "found=[]" in pry.stdout, f"a process of the gateway's user read a key: {pry.stdout}"
        assert "read=0" in pry.stdout, f"a process of the gateway's user opened the gateway's files: {pry.stdout}"
        assert "refused=0" not in pry.stdout
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=15)
