#!/usr/bin/env python3
"""scopecheck's benchmark: scopecheck side by side with git on the same repository and change.

Builds (once, cached under bench/.cache) a synthetic monorepo of 100,000 tracked files with a
policy of 10 agents and about 300 patterns, then measures with hyperfine:

  1. a staged 10-file change:     scopecheck diff --staged  vs  git diff --cached --numstat
  2. a staged 2,000-file change:  the same pair
  3. a committed 50,000-file change: scopecheck diff HEAD~1  vs  git diff --numstat HEAD~1 HEAD
  4. 1,000,000 paths:  scopecheck who --stdin  vs  git check-ignore --no-index --stdin -v -n
  5. peak memory (max RSS) of scenario 3
  6. one message:  scopecheck lint-msg  vs  npx commitlint (installed from npm into the cache)

and prints each scenario's medians and ratio, then one line with every ratio.

  bench/run.sh            the full run (minutes; the repository is built once)
  bench/run.sh --smoke    a tiny repository, one run each: proves the script still works (CI)
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AGENTS = ["api", "web", "mobile", "data", "infra", "auth", "search", "billing", "docs", "ml"]
EXTENSIONS = ["ts", "rs", "py", "md", "json", "proto", "go", "css", "sql", "yml"]


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def git(repo, *args, **kw):
    return run(["git", "-C", str(repo), *args], **kw)


def tracked_paths(files):
    """`files` paths spread over the agents' areas, a few levels deep, with shared parts."""
    per_agent = files // len(AGENTS)
    paths = []
    for a_index, agent in enumerate(AGENTS):
        for i in range(per_agent):
            module, leaf = divmod(i, 100)
            ext = EXTENSIONS[(i + a_index) % len(EXTENSIONS)]
            if i % 50 == 7:
                paths.append(f"libs/types/{agent}-{i}.ts")
            elif i % 50 == 13:
                paths.append(f"proto/{agent}/v{module}/msg{leaf}.proto")
            elif i % 97 == 5:
                paths.append(f"services/{agent}/m{module}/generated/gen{leaf}.{ext}")
            else:
                paths.append(f"services/{agent}/m{module}/sub{leaf % 7}/file{leaf}.{ext}")
    return paths


def policy_patterns():
    """About 300 patterns: 10 agents × (15 owns, 10 forbids, 5 shared), plus protected ones."""
    agents = {}
    for a_index, agent in enumerate(AGENTS):
        others = [o for o in AGENTS if o != agent]
        owns = [f"services/{agent}/", f"/apps/{agent}/", f"docs/{agent}/**/*.md", f"proto/{agent}/",
                f"libs/{agent}/", f"services/{agent}-*/", f"tools/{agent}/*.py", f"{agent}.config.*",
                f"deploy/{agent}/**", f"migrations/{agent}/", f"services/{agent}/**/*.snap",
                f"scripts/{agent}-*.sh", f"/{agent}.md", f"e2e/{agent}/", f"charts/{agent}/"]
        forbids = [f"services/{o}/" for o in others[:6]] + ["**/generated/", "*.pem", "secrets/", ".github/"]
        shared = [f"libs/types/{agent}-*.ts", "libs/types/common/", "proto/common/", "*.lock", "Makefile"]
        agents[agent] = {"owns": owns, "forbids": forbids, "shared": shared,
                         "emails": [f"{agent}-agent@example.com"]}
    return agents


def write_policy(repo):
    agents = policy_patterns()
    lines = ["version: 1", "agents:"]
    for name, lists in agents.items():
        lines.append(f"  {name}:")
        for key in ["owns", "forbids", "shared", "emails"]:
            lines.append(f"    {key}: [{', '.join(json.dumps(p) for p in lists[key])}]")
    lines.append('protected: ["scopecheck.yml", ".github/workflows/", "CODEOWNERS"]')
    (repo / "scopecheck.yml").write_text("\n".join(lines) + "\n")
    patterns = [p for lists in agents.values() for k in ["owns", "forbids", "shared"] for p in lists[k]]
    patterns += ["scopecheck.yml", ".github/workflows/", "CODEOWNERS"]
    return patterns


def build_repo(repo, n_files, n_big_change):
    """The benchmark repository: one commit with every file, one that changes `n_big_change`."""
    ready = repo.with_suffix(".ready")
    if ready.exists():
        return
    if repo.exists():
        shutil.rmtree(repo)
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "bench@example.com")
    git(repo, "config", "user.name", "Bench")
    paths = tracked_paths(n_files)
    patterns = write_policy(repo)
    repo.with_suffix(".patterns").write_text("\n".join(patterns) + "\n")

    def commit(message, parent, contents):
        out = []
        for i, (path, body) in enumerate(contents):
            data = body.encode()
            out.append(f"blob\nmark :{i + 1}\ndata {len(data)}\n".encode() + data + b"\n")
        out.append(b"commit refs/heads/main\n")
        out.append(f"committer Bench <bench@example.com> {int(time.time())} +0000\n".encode())
        msg = message.encode()
        out.append(f"data {len(msg)}\n".encode() + msg + b"\n")
        if parent:
            out.append(b"from refs/heads/main^0\n")
        for i, (path, _) in enumerate(contents):
            out.append(f"M 100644 :{i + 1} {path}\n".encode())
        out.append(b"\n")
        run(["git", "-C", str(repo), "fast-import", "--quiet"], input=b"".join(out))

    policy = (repo / "scopecheck.yml").read_text()
    base = [(p, f"// {p}\nexport const value = {len(p)};\nline three\nline four\n") for p in paths]
    commit("chore: the monorepo", False, base + [("scopecheck.yml", policy)])
    step = max(1, len(paths) // n_big_change)
    changed = [(p, f"// {p}\nexport const value = {len(p) + 1};\nline three\nline four\nline five\n")
               for p in paths[::step][:n_big_change]]
    commit("feat(api): a very large change", True, changed)
    git(repo, "checkout", "-q", "-f", "main")
    ready.write_text("ok\n")


def stage_change(repo, count):
    """Resets the index and work tree to HEAD, then stages a change to `count` files."""
    git(repo, "reset", "-q", "--hard", "HEAD")
    paths = git(repo, "ls-files", capture_output=True, text=True).stdout.splitlines()
    step = max(1, len(paths) // count)
    for p in [p for p in paths if p != "scopecheck.yml"][::step][:count]:
        with open(repo / p, "a") as f:
            f.write("an added line\n")
    git(repo, "add", "-u")


def ensure_hyperfine():
    if shutil.which("hyperfine"):
        return True
    print("hyperfine is missing; installing it from Debian's packages", file=sys.stderr)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    try:
        run(sudo + ["apt-get", "update", "-qq"], stdout=subprocess.DEVNULL)
        run(sudo + ["apt-get", "install", "-y", "-qq", "hyperfine"], stdout=subprocess.DEVNULL)
    except (subprocess.CalledProcessError, FileNotFoundError):
        return False
    return shutil.which("hyperfine") is not None


def measure(pairs, cwd, runs, warmup, use_hyperfine):
    """Median seconds of each shell command, side by side in one hyperfine run."""
    # Exit 1 is a verdict (something denied) and real work; 2 or more is an error, and timing
    # an error would report a speed that means nothing.
    for cmd in pairs:
        done = subprocess.run(cmd, shell=True, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              executable="/bin/bash")
        if done.returncode >= 2:
            sys.exit(f"benchmark command failed (exit {done.returncode}): {cmd}\n{done.stderr.decode()[-2000:]}")
    if not use_hyperfine:
        medians = []
        for cmd in pairs:
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                subprocess.run(cmd, shell=True, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               executable="/bin/bash")
                times.append(time.perf_counter() - start)
            medians.append(sorted(times)[len(times) // 2])
        return medians
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        cmd = ["hyperfine", "--shell=bash", "--style", "none", "-i", "--warmup", str(warmup),
               "--runs", str(runs), "--export-json", out.name] + pairs
        run(cmd, cwd=cwd, stdout=subprocess.DEVNULL)
        results = json.load(open(out.name))["results"]
    return [r["median"] for r in results]


def max_rss_mb(cmd, cwd):
    """Peak resident memory of one run of `cmd` (a shell command), in MB."""
    with open(os.devnull, "w") as null:
        proc = subprocess.Popen(cmd, shell=False, cwd=cwd, stdout=null, stderr=null)
        _, _, usage = os.wait4(proc.pid, 0)
    return usage.ru_maxrss / 1024


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--smoke", action="store_true", help="tiny repository, one run each (for CI)")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--binary", help="a scopecheck binary to time (default: build this checkout)")
    args = ap.parse_args()

    if args.smoke:
        files, big, small, medium, who_paths, runs, warmup = 2_000, 500, 10, 200, 20_000, 1, 0
        cache = Path(tempfile.mkdtemp(prefix="scopecheck-bench-smoke-"))
    else:
        files, big, small, medium, who_paths, runs, warmup = 100_000, 50_000, 10, 2_000, 1_000_000, args.runs, 2
        cache = ROOT / "bench" / ".cache"
    if args.binary:
        binary = Path(args.binary)
    else:
        # smoke: the debug build the tests already made; a real run: a fresh release build
        run(["cargo", "build", "--quiet", *([] if args.smoke else ["--release"])], cwd=ROOT)
        binary = ROOT / "target" / ("debug" if args.smoke else "release") / "scopecheck"
    use_hyperfine = ensure_hyperfine() if not args.smoke else shutil.which("hyperfine") is not None
    sc = str(binary)

    repo = cache / f"repo-{files}"
    t0 = time.time()
    build_repo(repo, files, big)
    print(f"benchmark repository: {repo} ({files:,} files; built or reused in {time.time() - t0:.1f}s)")
    print(f"machine: {os.cpu_count()} cores; scopecheck: {sc}; hyperfine: {'yes' if use_hyperfine else 'no (plain timing)'}")

    results = []

    def scenario(name, ours, theirs):
        m_ours, m_theirs = measure([ours, theirs], repo, runs, warmup, use_hyperfine)
        ratio = m_ours / m_theirs if m_theirs else float("inf")
        results.append((name, m_ours, m_theirs, ratio))
        print(f"{name:<34} scopecheck {m_ours * 1000:9.1f} ms   reference {m_theirs * 1000:9.1f} ms   ratio {ratio:5.2f}")

    # 1 and 2: staged changes
    for label, count in [("1 staged 10 files", small), (f"2 staged {medium:,} files", medium)]:
        stage_change(repo, count)
        scenario(label, f"{sc} diff --staged --agent api", "git diff --cached --numstat")
        if count == small:
            # 7: what the hooks add to a small commit: pre-commit, then commit-msg
            hook_msg = cache / "hook-message.txt"
            hook_msg.write_text("feat(api): a small change\n")
            m_hooks, m_git = measure(
                [f"SCOPECHECK_AGENT=api {sc} hook pre-commit && {sc} hook commit-msg {hook_msg}",
                 "git diff --cached --numstat"], repo, runs, warmup, use_hyperfine)
            hook_latency = (m_hooks, m_git)
    git(repo, "reset", "-q", "--hard", "HEAD")

    # 3: a large commit
    scenario(f"3 commit of {big:,} files", f"{sc} diff HEAD~1 --agent api", "git diff --numstat HEAD~1 HEAD")

    # 4: matching a million paths
    paths_file = cache / f"paths-{who_paths}.txt"
    if not paths_file.exists():
        tracked = git(repo, "ls-files", capture_output=True, text=True).stdout.splitlines()
        with open(paths_file, "w") as f:
            for i in range(who_paths):
                p = tracked[i % len(tracked)]
                f.write(p if i < len(tracked) else f"{p}.{i // len(tracked)}")
                f.write("\n")
    ignore_dir = cache / "check-ignore"
    ignore_dir.mkdir(exist_ok=True)
    if not (ignore_dir / ".git").exists():
        run(["git", "init", "-q", str(ignore_dir)])
    (ignore_dir / ".gitignore").write_text(repo.with_suffix(".patterns").read_text())
    scenario(f"4 who: {who_paths:,} paths", f"{sc} who --stdin < {paths_file}",
             f"git -C {ignore_dir} check-ignore --no-index --stdin -v -n < {paths_file}")

    # 5: peak memory of scenario 3
    rss = max_rss_mb([sc, "diff", "HEAD~1", "--agent", "api"], repo)
    print(f"{'5 max RSS of scenario 3':<34} {rss:.0f} MB (target: under 500 MB)")

    # 6: lint-msg against commitlint
    msg = cache / "message.txt"
    msg.write_text("feat(api): add the users endpoint\n\nWith pagination.\n\nAgent: api\n")
    commitlint_dir = cache / "commitlint"
    have_commitlint = (commitlint_dir / "node_modules" / ".bin" / "commitlint").exists()
    if not have_commitlint and not args.smoke and shutil.which("npm"):
        commitlint_dir.mkdir(exist_ok=True)
        (commitlint_dir / "commitlint.config.mjs").write_text(
            "export default { extends: ['@commitlint/config-conventional'] };\n")
        (commitlint_dir / "package.json").write_text('{"name": "bench-commitlint", "private": true}\n')
        # commitlint 21 needs Node 22; on an older Node npm picks the newest that runs
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund",
                        "@commitlint/cli@20", "@commitlint/config-conventional@20"], cwd=commitlint_dir)
        have_commitlint = (commitlint_dir / "node_modules" / ".bin" / "commitlint").exists()
    if have_commitlint:
        m_ours, m_theirs = measure(
            [f"{sc} lint-msg {msg}", f"npx --no-install commitlint < {msg}"], commitlint_dir, runs, warmup, use_hyperfine)
        ratio = m_theirs / m_ours
        print(f"{'6 lint-msg vs npx commitlint':<34} scopecheck {m_ours * 1000:9.1f} ms   commitlint {m_theirs * 1000:9.1f} ms   "
              f"commitlint/scopecheck {ratio:5.1f}x (target: at least 20x)")
        results.append(("6 lint-msg speedup (x)", m_ours, m_theirs, ratio))
    else:
        print(f"{'6 lint-msg vs npx commitlint':<34} skipped: commitlint is not installed (needs npm)")

    m_hooks, m_git = hook_latency
    print(f"{'7 hooks on a 10-file commit':<34} pre-commit + commit-msg {m_hooks * 1000:6.1f} ms "
          f"(git diff --cached --numstat alone: {m_git * 1000:.1f} ms)")
    # 8: a guard call, as an agent's every edit makes one
    event = cache / "guard-event.json"
    event.write_text(json.dumps({"hook_event_name": "PreToolUse", "tool_name": "Edit", "cwd": str(repo),
                                 "tool_input": {"file_path": str(repo / "services/api/m1/sub1/file1.ts")}}))
    (m_guard,) = measure([f"SCOPECHECK_AGENT=api {sc} guard < {event}"], repo, runs * 3, warmup, use_hyperfine)
    print(f"{'8 guard, one Edit call':<34} {m_guard * 1000:6.1f} ms (median)")
    summary = ", ".join(f"{name.split()[0]}={ratio:.2f}" for name, _, _, ratio in results)
    print(f"ratios: {summary}, rss={rss:.0f}MB")
    if args.smoke:
        shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
