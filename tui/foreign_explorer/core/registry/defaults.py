"""Defaults a command line shows before anything is fetched (kept free of imports, so that
building the parser costs nothing)."""

# Seconds for fetching one image: tokens, manifests, children, retries (`--timeout`).
DEFAULT_TIMEOUT = 60.0
# Requests in flight at once per registry (`--jobs`).
DEFAULT_JOBS = 8
