"""Expectations files of the conformance runners (run-deqp-vk.py, run-piglit-cl.py): one
"<case or fnmatch pattern> <status>  # reason" line per known non-passing result. Case names may
contain spaces (Piglit's do), so the status is the last word. Exact names win over patterns; the
first matching pattern wins among patterns."""
import fnmatch


def read(path, statuses=None):
    """(exact, patterns) from the file at path (nothing when path is empty); a line whose status is
    not one of 'statuses' (when given) ends the run with the file and line named."""
    exact, patterns = {}, []
    if not path:
        return exact, patterns
    with open(path, encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            line = line.split('#', 1)[0].strip()
            if not line:
                continue
            parts = line.rsplit(None, 1)
            if len(parts) != 2 or (statuses and parts[1] not in statuses):
                allowed = '|'.join(statuses) if statuses else 'status'
                raise SystemExit(f'{path}:{n}: expected "<case> <{allowed}>", got {line!r}')
            name, status = parts
            if any(c in name for c in '*?['):
                patterns.append((name, status))
            else:
                exact[name] = status
    return exact, patterns


def expected(name, exact, patterns):
    """The status the file expects for name, or None (the case must pass)."""
    if name in exact:
        return exact[name]
    for pat, status in patterns:
        if fnmatch.fnmatchcase(name, pat):
            return status
    return None
