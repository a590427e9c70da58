"""The logging stand-in for every command that would touch the network or the system.

This file is copied into each sandbox with two constants filled in (``LOG``, ``ROOT``) and
symlinked under every stubbed name, so ``argv[0]`` tells which command it plays. It runs under
``python -I -S`` (standard library only, no site-packages: a call costs ~10 ms) and:

* appends one JSON line to ``LOG``: the name, the arguments, the working directory, which of
  the arguments named an existing path at call time, the files it read (with their text: the
  harness parses what an installer would have installed), its exit status, and the script that
  ran it (the nearest ancestor process whose program or first argument is a file under the
  repository root, read from ``/proc``: that is how a merged run's commands are told apart by
  source);
* behaves like its real counterpart where a script depends on it: an installer fails on a
  requirements or environment file that is not there, ``psql -f`` on a missing SQL file,
  ``initdb`` creates a cluster that ``pg_ctl start`` then requires, ``curl``/``wget`` write a
  small archive that ``tar`` can unpack, ``git clone`` creates the directory, ``mongod``
  refuses a missing ``--dbpath``. Everything else succeeds and does nothing.

Nothing here reaches the network or changes the machine outside the sandbox.
"""

# Only os and sys at the top: every import costs each stubbed call (json, re and tarfile
# would triple the ~8 ms a call takes); the rest is imported where it is needed.
import os
import sys

LOG = "@LOG@"  # filled in by the harness
ROOT = "@ROOT@"  # the repository root (also HOME, as repo2docker lays it out)
STUBS = os.path.dirname(os.path.realpath(__file__))

NAME = os.path.basename(sys.argv[0])
ARGS = sys.argv[1:]
try:
    CWD = os.getcwd()
except OSError:  # the working directory was removed under us
    CWD = ""

reads = {}  # path as given -> text (None: the file was missing)
status = 0


def err(text):
    sys.stderr.write(text.rstrip("\n") + "\n")


def path(p):
    return p if os.path.isabs(p) else os.path.join(CWD, p)


def read(p, missing_message=None):
    """Read ``p`` (relative to the working directory) as its real reader would."""
    try:
        with open(path(p), encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError:
        reads[p] = None
        if missing_message:
            err(missing_message.format(p=p))
        return None
    reads[p] = text
    return text


def option(names, args=ARGS):
    """Values of ``-x V``, ``-xV``, ``--long V`` and ``--long=V`` for any of ``names``."""
    out = []
    i = 0
    while i < len(args):
        a = args[i]
        for n in names:
            if a == n and i + 1 < len(args):
                out.append(args[i + 1])
                i += 1
                break
            if n.startswith("--") and a.startswith(n + "="):
                out.append(a[len(n) + 1 :])
                break
            if not n.startswith("--") and a.startswith(n) and len(a) > len(n):
                out.append(a[len(n) :])
                break
        i += 1
    return out


def positional(args=ARGS, with_value=()):
    """Arguments that are not options (skipping the values of options in ``with_value``)."""
    out = []
    skip = False
    for a in args:
        if skip:
            skip = False
            continue
        if a in with_value:
            skip = True
            continue
        if not a.startswith("-"):
            out.append(a)
    return out


def write_file(dest, data):
    dest = path(dest)
    parent = os.path.dirname(dest)
    if parent:
        os.makedirs(parent, exist_ok=True)
    with open(dest, "wb") as f:
        f.write(data)


# ---------------------------------------------------------------------------------------------
# installers


def pip_requirements(p, seen):
    text = read(
        p,
        "ERROR: Could not open requirements file: [Errno 2] No such file or directory: '{p}'",
    )
    if text is None:
        return False
    ok = True
    base = os.path.dirname(p)
    for line in text.splitlines():
        words = line.replace("=", " ", 1).split() if line.lstrip().startswith("-") else []
        if len(words) >= 2 and words[0] in ("-r", "--requirement", "-c", "--constraint"):
            nested = os.path.join(base, words[1])
            if nested not in seen:
                seen.add(nested)
                ok = pip_requirements(nested, seen) and ok
    return ok


def pip():
    global status
    if not ARGS or ARGS[0] != "install":
        return
    for f in option(["-r", "--requirement", "-c", "--constraint"]):
        if not pip_requirements(f, {f}):
            status = 1


def conda():
    global status
    words = positional(ARGS, with_value=("-p", "--prefix", "-n", "--name", "-c", "--channel"))
    files = option(["-f", "--file"])
    if words[:1] == ["env"] or words[:1] in (["create"], ["install"], ["update"]):
        for f in files:
            if read(f) is None:
                err(f"EnvironmentFileNotFound: '{path(f)}' file not found")
                status = 1


def rscript():
    global status
    if NAME == "R":
        files = option(["-f", "--file"])
    else:
        files = positional(ARGS, with_value=("-e",))[:1]
        if option(["-e"]):
            files = []
    for f in files:
        if read(f) is None:
            err(f"Fatal error: cannot open file '{f}': No such file or directory")
            status = 2


def julia():
    global status
    files = positional(ARGS, with_value=("-e", "--eval"))[:1]
    if option(["-e", "--eval"]):
        files = []
    for f in files:
        if read(f) is None:
            err(f"ERROR: could not open file {path(f)}")
            status = 1


# ---------------------------------------------------------------------------------------------
# databases


def pgdata():
    given = option(["-D", "--pgdata"])
    if given:
        return given[-1]
    if NAME == "initdb":
        words = positional(ARGS, with_value=("-U", "--username", "-A", "--auth", "-E"))
        if words:
            return words[0]
    return os.environ.get("PGDATA", "")


def initdb():
    global status
    d = pgdata()
    if not d:
        err("initdb: error: no data directory specified")
        status = 1
        return
    if os.path.isdir(path(d)) and os.listdir(path(d)):
        err(f'initdb: error: directory "{d}" exists but is not empty')
        status = 1
        return
    write_file(os.path.join(d, "PG_VERSION"), b"16\n")
    write_file(os.path.join(d, "postgresql.conf"), b"# stub cluster\n")


def pg_ctl():
    global status
    d = pgdata()
    action = positional(ARGS, with_value=("-D", "--pgdata", "-l", "--log", "-o", "-w", "-t"))
    if not d or not os.path.isfile(os.path.join(path(d), "PG_VERSION")):
        err(f'pg_ctl: directory "{d}" is not a database cluster directory')
        status = 1
        return
    for log in option(["-l", "--log"]):
        write_file(log, b"LOG:  database system is ready to accept connections\n")
    if "start" in action:
        write_file(os.path.join(d, "postmaster.pid"), b"4242\n")
    elif "stop" in action:
        try:
            os.unlink(os.path.join(path(d), "postmaster.pid"))
        except OSError:
            pass


def psql():
    global status
    for f in option(["-f", "--file"]):
        if read(f) is None:
            err(f"psql: error: {f}: No such file or directory")
            status = 1


def mongod():
    global status
    for d in option(["--dbpath"]):
        if not os.path.isdir(path(d)):
            err(f"Data directory {d} not found. Create the missing directory or specify another")
            status = 100
            return
    for log in option(["--logpath"]):
        write_file(log, b'{"msg":"Waiting for connections"}\n')


# ---------------------------------------------------------------------------------------------
# downloads


def payload(url):
    """What a download of ``url`` gives: an archive for archive names, else a line of text."""
    import gzip
    import io
    import re
    import tarfile
    import zipfile

    name = os.path.basename(url.split("?", 1)[0]) or "index.html"
    top = re.sub(r"(\.tar\.gz|\.tgz|\.tar\.bz2|\.tar\.xz|\.tar|\.zip)$", "", name)
    m = re.match(r"[A-Za-z]+", top)
    prog = m.group(0).lower() if m else "program"
    files = {f"{top}/VERSION": (url + "\n").encode(), f"{top}/bin/{prog}": b"#!/bin/sh\nexit 0\n"}
    if name.endswith(".zip"):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            for n, data in files.items():
                info = zipfile.ZipInfo(n)
                info.external_attr = 0o755 << 16
                z.writestr(info, data)
        return name, buf.getvalue()
    if re.search(r"\.(tar\.gz|tgz|tar)$", name):
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w") as t:
            for n, data in files.items():
                info = tarfile.TarInfo(n)
                info.size, info.mode, info.mtime = len(data), 0o755, 0
                t.addfile(info, io.BytesIO(data))
        raw = buf.getvalue()
        return name, raw if name.endswith(".tar") else gzip.compress(raw, mtime=0)
    return name, f"stub download of {url}\n".encode()


def curl():
    import re

    urls = [a for a in ARGS if "://" in a]
    if not urls:
        return
    name, data = payload(urls[0])
    out = option(["-o", "--output"])
    if out and out[-1] != "-":
        write_file(out[-1], data)
    elif any(
        a in ("-O", "--remote-name") or re.fullmatch(r"-[a-zA-Z]*O[a-zA-Z]*", a) for a in ARGS
    ):
        write_file(name, data)
    else:
        sys.stdout.buffer.write(data)


def wget():
    urls = [a for a in ARGS if "://" in a]
    if not urls:
        return
    name, data = payload(urls[0])
    out = option(["-O", "--output-document"])
    if out and out[-1] == "-":
        sys.stdout.buffer.write(data)
        return
    prefix = option(["-P", "--directory-prefix"])
    write_file(out[-1] if out else os.path.join(prefix[-1] if prefix else "", name), data)


def git():
    words = positional(ARGS, with_value=("-b", "--branch", "--depth", "-C", "-c"))
    if words[:1] != ["clone"] or len(words) < 2:
        return
    import re

    url = words[1]
    dest = words[2] if len(words) > 2 else re.sub(r"\.git$", "", url.rstrip("/").split("/")[-1])
    write_file(os.path.join(dest, ".git", "HEAD"), b"ref: refs/heads/main\n")
    write_file(os.path.join(dest, "README.md"), f"clone of {url}\n".encode())


def pg_config():
    if "--bindir" in ARGS:
        print(STUBS)


def jupyter():
    home = os.environ.get("HOME", ROOT)
    if ARGS[:1] == ["--data-dir"]:
        print(os.path.join(home, ".local", "share", "jupyter"))
    elif ARGS[:1] == ["--config-dir"]:
        print(os.path.join(home, ".jupyter"))


BEHAVIOUR = {
    "pip": pip,
    "pip3": pip,
    "conda": conda,
    "mamba": conda,
    "micromamba": conda,
    "Rscript": rscript,
    "R": rscript,
    "julia": julia,
    "initdb": initdb,
    "pg_ctl": pg_ctl,
    "psql": psql,
    "mongod": mongod,
    "curl": curl,
    "wget": wget,
    "git": git,
    "pg_config": pg_config,
    "jupyter": jupyter,
}


def script_of_caller():
    """The nearest ancestor's script under ROOT (its program or its first non-option argument)."""
    pid = os.getppid()
    for _ in range(64):
        if pid <= 1:
            return None
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                argv = [a.decode("utf-8", "replace") for a in f.read().split(b"\0") if a]
            cwd = os.readlink(f"/proc/{pid}/cwd")
            with open(f"/proc/{pid}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            return None
        candidates = argv[:1] + [a for a in argv[1:] if not a.startswith("-")][:1]
        for a in candidates:
            p = os.path.normpath(os.path.join(cwd, a))
            if p.startswith(ROOT + os.sep) and os.path.isfile(p):
                return p
        pid = ppid
    return None


def exists_flags():
    flags = []
    for a in ARGS:
        value = a.split("=", 1)[1] if a.startswith("-") and "=" in a else a
        if not value or "://" in value or value.startswith("-"):
            flags.append(None)
        else:
            flags.append(os.path.exists(path(value)))
    return flags


def to_json(value):
    """JSON text of ``value`` (dict, list, str, bool, int, None) without importing json."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        out = []
        for ch in value:
            o = ord(ch)
            if ch == '"' or ch == "\\":
                out.append("\\" + ch)
            elif o < 0x20 or 0xD800 <= o <= 0xDFFF:
                out.append(f"\\u{o:04x}")
            else:
                out.append(ch)
        return '"' + "".join(out) + '"'
    if isinstance(value, dict):
        return "{" + ", ".join(to_json(str(k)) + ": " + to_json(v) for k, v in value.items()) + "}"
    return "[" + ", ".join(to_json(v) for v in value) + "]"


def main():
    flags = exists_flags()  # before the command creates anything
    behaviour = BEHAVIOUR.get(NAME)
    if behaviour is not None:
        behaviour()
    record = {
        "name": NAME,
        "argv": ARGS,
        "cwd": CWD,
        "exists": flags,
        "reads": reads,
        "status": status,
        "script": script_of_caller(),
    }
    line = (to_json(record) + "\n").encode("utf-8", "surrogatepass")
    fd = os.open(LOG, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)
    sys.stdout.flush()
    return status


if __name__ == "__main__":
    sys.exit(main())
