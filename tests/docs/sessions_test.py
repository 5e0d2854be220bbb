#!/usr/bin/env python3
"""Runs the example sessions of the README and the man pages against the
built daemonctl and compares what they print with what the page says.

    sessions_test.py DAEMONCTL SOURCE_DIR PAGE...

A session is a fenced block (``` in Markdown and scdoc alike) whose first
line starts with "$ ". Each "$ " line is a command, "> " lines after it
continue it (a here-document), and the lines up to the next command are
what it prints, stdout and stderr together. An expected line "..." stands
for any number of lines. A block right after a comment naming a file,
<!-- file: PATH --> (Markdown) or ; file: PATH (scdoc), must hold that file
of the source tree, word for word. A block right after <!-- root: WHY -->
or ; root: WHY shows root's output, and runs only as root.

Every page runs in a scratch folder of its own, its commands one after the
other through bash (variables and the working directory carry over), with
the built daemonctl first in PATH and as scripts/daemonctl, and the
folders the pages name mapped to scratch ones:

    /etc/daemonctl                       the config folder
    /run/daemonctl                       the state dir
    /var/log/daemonctl                   the log dir
    /usr/share/doc/daemonctl/examples    a copy of config/examples, which
                                         must be unchanged at the end
    ~                                    a home folder; README's sessions
                                         start in a copy of the checkout
                                         (config/examples, scripts/daemonctl)

Pids, process groups, uptimes, times and ports are masked, and runs of
blanks are one blank. A read-only command (status, list, logs, cat) whose
output differs is run again for up to 3 s: a daemon may not have written its
line yet. As root, each man page runs a second time as the user nobody, with
a user's own folders (~/.config/daemonctl, $XDG_RUNTIME_DIR/daemonctl,
~/.local/state/daemonctl/log), to show that its examples work for a user
other than root too; the README's sessions show root's folders.
"""

import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
import time

TIMEOUT = 20  # seconds for one command
RETRY = 3.0   # seconds a read-only command may take to print what is expected
READ_ONLY = re.compile(r"^(\S*daemonctl\b.*\b(status|list|logs)\b(?!.*\s-f\b)|cat |tail |ls )")


class Session:
    def __init__(self, page, line, file_name=None, root_only=False):
        self.page = page
        self.line = line          # of the fence, 1-based
        self.file_name = file_name
        self.root_only = root_only
        self.text = []            # the block's lines
        self.steps = []           # (line, command, expected lines)


def unescape_scdoc(line):
    # scdoc takes a backslash as an escape in literal blocks too.
    return re.sub(r"\\(.)", r"\1", line)


def blocks(path):
    """The fenced blocks of a page, each a Session (steps not parsed yet)."""
    scd = path.endswith(".scd")
    out, block, pending_file, pending_root = [], None, None, False
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for n, raw in enumerate(lines, 1):
        if block is None:
            m = re.match(r"^\s*(?:<!--\s*file:\s*(\S+)\s*-->|;\s*file:\s*(\S+))\s*$", raw)
            if m:
                pending_file = m.group(1) or m.group(2)
                continue
            if re.match(r"^\s*(<!--\s*root\b.*-->|;\s*root\b.*)$", raw):
                pending_root = True
                continue
            if raw.strip().startswith("```"):
                block = Session(path, n, pending_file, pending_root)
            elif raw.strip():
                pending_file, pending_root = None, False
            continue
        if raw.strip() == "```":
            out.append(block)
            block, pending_file, pending_root = None, None, False
            continue
        block.text.append(unescape_scdoc(raw) if scd else raw)
    return out


def parse_steps(session):
    for i, text in enumerate(session.text):
        line = session.line + 1 + i
        if text.startswith("$ "):
            session.steps.append([line, text[2:], []])
        elif (text == ">" or text.startswith("> ")) and session.steps and not session.steps[-1][2]:
            session.steps[-1][1] += "\n" + text[2:]
        elif session.steps:
            session.steps[-1][2].append(text)
    for step in session.steps:  # trailing blank lines of a block are layout
        while step[2] and not step[2][-1].strip():
            step[2].pop()


class Sandbox:
    def __init__(self, daemonctl, source, as_user):
        self.root = tempfile.mkdtemp(prefix="daemonctl-docs-")
        os.chmod(self.root, 0o755)
        r = self.root
        self.dirs = {
            "/usr/share/doc/daemonctl/examples": r + "/examples",
            "/var/log/daemonctl": r + "/log",
            "/run/daemonctl": r + "/state",
            "/etc/daemonctl": r + "/etc",
        }
        shutil.copytree(os.path.join(source, "config/examples"), r + "/examples", symlinks=True,
                        ignore=shutil.ignore_patterns("*.log", "*.pid", "*.flag"))
        shutil.copytree(r + "/examples", r + "/checkout/config/examples", symlinks=True)
        os.makedirs(r + "/checkout/scripts")
        os.makedirs(r + "/bin")
        os.makedirs(r + "/home")
        os.symlink(daemonctl, r + "/checkout/scripts/daemonctl")
        os.symlink(daemonctl, r + "/bin/daemonctl")
        self.user = as_user
        if as_user is None:
            self.state_dir = self.dirs["/run/daemonctl"]
            env_dirs = {
                "DAEMONCTL_CONFIG_DIR": self.dirs["/etc/daemonctl"],
                "DAEMONCTL_STATE_DIR": self.state_dir,
                "DAEMONCTL_LOG_DIR": self.dirs["/var/log/daemonctl"],
            }
        else:
            # A user's own defaults: ~/.config/daemonctl, ~/.local/state,
            # $XDG_RUNTIME_DIR. The folders of root are not there for it.
            os.makedirs(r + "/xdg", mode=0o700)
            self.state_dir = r + "/xdg/daemonctl"
            env_dirs = {"XDG_RUNTIME_DIR": r + "/xdg"}
            self.dirs = {"/usr/share/doc/daemonctl/examples": r + "/examples"}
            for top, dirs, files in os.walk(r):
                for name in dirs + files:
                    os.lchown(os.path.join(top, name), as_user.pw_uid, as_user.pw_gid)
            os.lchown(r, as_user.pw_uid, as_user.pw_gid)
        self.examples_before = self.listing(r + "/examples")
        env = {
            "PATH": r + "/bin:/usr/local/bin:/usr/bin:/bin",
            "HOME": r + "/home",
            "LANG": "C.UTF-8",
            "TERM": "dumb",
            "NO_COLOR": "1",
            **env_dirs,
        }
        self.env_file = r + "/.env"
        self.cwd_file = r + "/.cwd"
        with open(self.env_file, "w") as f:
            for k, v in env.items():
                f.write("export %s=%s\n" % (k, shlex_quote(v)))
        self.env = env

    @staticmethod
    def listing(folder):
        out = []
        for top, dirs, files in os.walk(folder):
            for name in sorted(dirs + files):
                p = os.path.join(top, name)
                st = os.lstat(p)
                out.append((os.path.relpath(p, folder), st.st_size, st.st_mtime_ns))
        return sorted(out)

    def start_in(self, folder):
        with open(self.cwd_file, "w") as f:
            f.write(folder)
        if self.user is not None:
            for p in (self.env_file, self.cwd_file):
                os.chown(p, self.user.pw_uid, self.user.pw_gid)

    def to_scratch(self, command):
        for shown, real in self.dirs.items():
            command = command.replace(shown, real)
        return command

    def run(self, command):
        script = ('. "$DOCS_ENV"; cd "$(cat "$DOCS_CWD")" || exit 99\n%s\n'
                  'docs_rc=$?; export -p >"$DOCS_ENV"; pwd >"$DOCS_CWD"; exit $docs_rc\n') % command
        argv = ["bash", "-c", script]
        if self.user is not None:
            argv = ["setpriv", "--reuid=%d" % self.user.pw_uid, "--regid=%d" % self.user.pw_gid,
                    "--clear-groups"] + argv
        env = {"DOCS_ENV": self.env_file, "DOCS_CWD": self.cwd_file, "PATH": "/usr/bin:/bin"}
        try:
            p = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=TIMEOUT)
            out = p.stdout.decode("utf-8", "replace")
        except subprocess.TimeoutExpired:
            out = "(timed out after %ds)\n" % TIMEOUT
        for shown, real in self.dirs.items():
            out = out.replace(real, shown)
        out = out.replace(self.root + "/checkout", "~/daemonctl").replace(self.root + "/home", "~")
        return out.removesuffix("\n").split("\n") if out else []

    def clean_up(self):
        # Whatever a page left running, stopped (--all takes every recorded
        # service); then the scratch folder goes.
        empty = self.root + "/.empty"
        os.makedirs(empty, exist_ok=True)
        subprocess.run([self.root + "/bin/daemonctl", "-q", "--config-dir", empty, "--state-dir", self.state_dir,
                        "stop", "--all"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
        shutil.rmtree(self.root, ignore_errors=True)


def shlex_quote(s):
    return "'" + s.replace("'", "'\\''") + "'"


MASKS = [
    (re.compile(r"\b(pid|pid is|process group|monitor pid|group) \d+"), r"\1 N"),
    (re.compile(r'"(pid|monitor_pid|uptime_s)": \d+'), r'"\1": N'),
    (re.compile(r'"started_at": "[^"]*"'), r'"started_at": T'),
    (re.compile(r"\bup \d+[smhd](\d+[smhd])?"), "up T"),
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"), "T"),
    (re.compile(r"\[\d+\]"), "[N]"),
    (re.compile(r"\b\d{3,}\b"), "N"),           # a pid in a table, a port
    (re.compile(r"\bN \d+[smhd](\d+[smhd])?\b"), "N T"),  # list: PID UPTIME
    (re.compile(r"[ \t]+"), " "),
]


def mask(line):
    for pattern, replacement in MASKS:
        line = pattern.sub(replacement, line)
    return line.rstrip()


def matches(expected, actual):
    """Expected lines, with "..." for any number of lines, against actual."""
    e = [mask(x) for x in expected]
    a = [mask(x) for x in actual]

    def walk(i, j):
        if i == len(e):
            return j == len(a)
        if e[i] == "...":
            return any(walk(i + 1, k) for k in range(j, len(a) + 1))
        return j < len(a) and e[i] == a[j] and walk(i + 1, j + 1)

    return walk(0, 0)


def run_page(page, source, daemonctl, as_user):
    sessions = blocks(page)
    failures = []
    name = os.path.relpath(page, source)
    for s in sessions:
        if s.file_name:
            with open(os.path.join(source, s.file_name), encoding="utf-8") as f:
                want = f.read().rstrip("\n").split("\n")
            if s.text != want:
                failures.append("%s:%d: the block differs from %s" % (name, s.line, s.file_name))
    box = Sandbox(daemonctl, source, as_user)
    count = 0
    try:
        box.start_in(box.root + ("/checkout" if page.endswith(".md") else "/home"))
        for s in sessions:
            if not s.text or not s.text[0].startswith("$ ") or (s.root_only and as_user is not None):
                continue
            parse_steps(s)
            for line, command, expected in s.steps:
                count += 1
                deadline = time.monotonic() + RETRY
                while True:
                    actual = box.run(box.to_scratch(command))
                    if matches(expected, actual):
                        break
                    if not READ_ONLY.match(command) or time.monotonic() > deadline:
                        failures.append("%s:%d: $ %s\n  expected:\n%s\n  got:\n%s" % (
                            name, line, command, "\n".join("    " + x for x in expected),
                            "\n".join("    " + x for x in actual)))
                        break
                    time.sleep(0.05)
        if box.listing(box.root + "/examples") != box.examples_before:
            failures.append("%s: its sessions changed /usr/share/doc/daemonctl/examples" % name)
    finally:
        box.clean_up()
    return count, failures


def main():
    if len(sys.argv) < 4:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    daemonctl, source, pages = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3:]
    users = [None]
    if os.geteuid() == 0:
        users.append(pwd.getpwnam("nobody"))
        # The pages' examples run at the usual niceness, whatever this run's
        # (a `nice` ctest would make `nice = 5` an error for nobody).
        os.setpriority(os.PRIO_PROCESS, 0, 0)
    failures, total = [], 0
    for user in users:
        who = "root" if user is None and os.geteuid() == 0 else user.pw_name if user else "this user"
        for page in pages:
            if user is not None and not page.endswith(".scd"):
                continue  # the README shows root's folders
            count, bad = run_page(os.path.join(source, page), source, daemonctl, user)
            total += count
            failures += ["[as %s] %s" % (who, f) for f in bad]
            if count == 0:
                failures.append("%s: no session found" % page)
    for f in failures:
        print(f, file=sys.stderr)
    print("%d commands run, %d failed" % (total, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
