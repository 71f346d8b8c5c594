"""The policy in every form a registry is configured with.

Forms: `snippet` (the `validation:` block for config.yml), `config` (a whole minimal
config.yml), `env` (REGISTRY_VALIDATION_* variables for a shell and a compose `.env`) and
`helm` (values for the docker-registry Helm chart). Each is plain text that the registry reads
back as exactly the same policy. Files are written by `core.safefile.save_text`.
"""

from __future__ import annotations

from typing import Any, Literal

import yaml

from foreign_explorer.core.policy import PolicySource
from foreign_explorer.core.safefile import SaveError, SaveTargetExists
from foreign_explorer.core.safefile import save_text as save_text
from foreign_explorer.core.visible import is_visible

# Saving is core/safefile's; the export modal still knows it by these names.
ExportError = SaveError
ExportExists = SaveTargetExists


_LINE_SEPARATORS = frozenset("\u2028\u2029")


class _IndentedDumper(yaml.SafeDumper):
    """Block lists indented under their key, as registry configs are usually written."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


def snippet_document(source: PolicySource) -> dict[str, Any]:
    """`validation: manifests: urls: allow/deny`, plus `disabled: true` only when it is so."""
    validation: dict[str, Any] = {}
    if not source.validation_enabled:
        # Without it the snippet would turn validation back on: the verdicts would change.
        validation["disabled"] = True
    validation["manifests"] = {"urls": {"allow": list(source.allow), "deny": list(source.deny)}}
    indexes = indexes_document(source)
    if indexes:
        validation["manifests"]["indexes"] = indexes
    return {"validation": validation}


def indexes_document(source: PolicySource) -> dict[str, Any]:
    """validation.manifests.indexes when the policy sets it (3.x reads it, 2.8 ignores it)."""
    setting = source.indexes
    if setting.error is not None or not setting.is_set:
        return {}
    document: dict[str, Any] = {"platforms": setting.platforms or "all"}
    if setting.platformlist:
        document["platformlist"] = [
            {"os": p.os, "architecture": p.architecture} for p in setting.platformlist
        ]
    return document


def config_snippet(source: PolicySource) -> str:
    """The YAML to merge into the registry's config.yml (top-level `validation:` key)."""
    document = snippet_document(source)
    text = _dump(document, allow_unicode=True)
    if (
        yaml.safe_load(text) != document
        or not is_visible(text.replace("\n", ""))
        or not _LINE_SEPARATORS.isdisjoint(text)
    ):
        # pyyaml writes a raw NEL (U+0085) and line/paragraph separators, which YAML 1.1
        # readers and line-splitting tools take as line breaks, and bidi controls raw, which
        # reorder what a terminal or an editor shows: escape everything outside ASCII instead.
        text = _dump(document, allow_unicode=False)
    return text


def _dump(document: dict[str, Any], *, allow_unicode: bool) -> str:
    return yaml.dump(
        document,
        Dumper=_IndentedDumper,
        sort_keys=False,
        allow_unicode=allow_unicode,
        default_flow_style=False,
        # Never fold a long pattern over two lines.
        width=1 << 16,
    )


# --- the other forms ------------------------------------------------------------------------

ExportForm = Literal["snippet", "config", "env", "helm"]
FORMS: tuple[ExportForm, ...] = ("snippet", "config", "env", "helm")

ENV_ALLOW = "REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW"
ENV_DENY = "REGISTRY_VALIDATION_MANIFESTS_URLS_DENY"
ENV_DISABLED = "REGISTRY_VALIDATION_DISABLED"
ENV_ENABLED = "REGISTRY_VALIDATION_ENABLED"
ENV_PLATFORMS = "REGISTRY_VALIDATION_MANIFESTS_INDEXES_PLATFORMS"
ENV_PLATFORMLIST = "REGISTRY_VALIDATION_MANIFESTS_INDEXES_PLATFORMLIST"

# The chart whose default `configData` the helm form copies (values.yaml of that release).
HELM_CHART = "twuni/docker-registry"
HELM_CHART_VERSION = "3.0.0"
HELM_APP_VERSION = "3.0.0"


def render(source: PolicySource, form: ExportForm) -> str:
    """The policy as text in `form`; raises ValueError for an unknown form."""
    if form == "snippet":
        return config_snippet(source)
    if form == "config":
        return config_document(source)
    if form == "env":
        return env_text(source)
    if form == "helm":
        return helm_values(source)
    raise ValueError(f"unknown export form {form!r}; expected one of {', '.join(FORMS)}")


_CONFIG_HEAD = """\
# config.yml for a distribution registry (registry:2 / registry:3) with this URL policy.
# Minimal: filesystem storage, plain HTTP on :5000. Before exposing it, add TLS (http.tls),
# authentication (auth) and a shared http.secret.
version: 0.1
log:
  fields:
    service: registry
storage:
  filesystem:
    rootdirectory: /var/lib/registry
http:
  addr: :5000
  headers:
    X-Content-Type-Options: [nosniff]
"""


def config_document(source: PolicySource) -> str:
    """A whole config.yml that starts a registry enforcing `source` (as the image's default)."""
    return _CONFIG_HEAD + config_snippet(source)


# values.yaml `configData` of the chart release named above, key for key.
_HELM_CONFIG_DATA = """\
  version: 0.1
  log:
    fields:
      service: registry
  storage:
    cache:
      blobdescriptor: inmemory
  http:
    addr: :5000
    headers:
      X-Content-Type-Options: [nosniff]
    debug:
      addr: :5001
      prometheus:
        enabled: false
        path: /metrics
  health:
    storagedriver:
      enabled: true
      interval: 10s
      threshold: 3
"""


def helm_values(source: PolicySource) -> str:
    """`configData:` for the docker-registry chart: its default config plus the policy."""
    validation = "".join(f"  {line}\n" for line in config_snippet(source).splitlines())
    return (
        f"# values.yaml for the docker-registry Helm chart ({HELM_CHART}, formerly\n"
        f"# stable/docker-registry), modelled on chart version {HELM_CHART_VERSION}"
        f" (registry {HELM_APP_VERSION}).\n"
        "# configData is the registry's whole config.yml: the chart's default configData with\n"
        "# the validation section added. The chart sets storage and secrets through env vars.\n"
        "configData:\n" + _HELM_CONFIG_DATA + validation
    )


def _yaml_double_quoted(text: str) -> str:
    """A YAML double-quoted scalar that never holds `'`, a line break or a control character.

    Without `'` the whole list fits in single quotes (shell, compose .env, compose YAML);
    escaped breaks keep it on one line for every env-file reader.
    """
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif ch == "'":
            out.append("\\x27")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == " " or (ch.isprintable() and ch != "\ufeff"):
            out.append(ch)
        elif code <= 0xFF:
            out.append(f"\\x{code:02x}")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


def env_list_value(patterns: tuple[str, ...] | list[str]) -> str:
    """The YAML flow list an env variable holds, e.g. `["^https://mcr\\.microsoft\\.com/"]`."""
    return "[" + ", ".join(_yaml_double_quoted(p) for p in patterns) + "]"


def shell_quote(text: str) -> str:
    """POSIX shell single quotes; a `'` inside becomes `'\\''`."""
    return "'" + text.replace("'", "'\\''") + "'"


def env_values(source: PolicySource) -> dict[str, str]:
    """The variables that give a registry exactly this policy, whatever its file says."""
    values = {ENV_ALLOW: env_list_value(source.allow), ENV_DENY: env_list_value(source.deny)}
    if not source.validation_enabled:
        # `enabled: true` in the file would win over DISABLED: turn the deprecated twin off too.
        values[ENV_DISABLED] = "true"
        values[ENV_ENABLED] = "false"
    indexes = indexes_document(source)
    if indexes:
        # Whole values (a YAML list for the platforms), like the URL lists.
        values[ENV_PLATFORMS] = indexes["platforms"]
        values[ENV_PLATFORMLIST] = _platform_list_value(indexes.get("platformlist", []))
    return values


def _platform_list_value(platforms: list[dict[str, str]]) -> str:
    """`[{os: "linux", architecture: "amd64"}]`: a YAML flow list for the environment."""
    items = (
        f"{{os: {_yaml_double_quoted(p['os'])}, "
        f"architecture: {_yaml_double_quoted(p['architecture'])}}}"
        for p in platforms
    )
    return "[" + ", ".join(items) + "]"


_ENV_HEAD = """\
# URL policy for a distribution registry as environment variables.
# Each *_ALLOW / *_DENY value is a YAML list that replaces the config file's list.
# Set whole lists only, never REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW_0 (_1, ...): 2.8
# ignores indexed names, and 3.x never stores their value: an index equal to the list's
# length appends "" (an empty pattern, which admits every URL; _0 with no list in the file
# does exactly that), any other index is silently ignored.
#
# Source it in a POSIX shell (`. ./registry.env`) or use it as a compose .env / env_file
# (not with `docker run --env-file`, which takes `export` and the quotes literally).
"""


def env_text(source: PolicySource) -> str:
    """The env form: `export NAME='...'` lines (shell and compose .env) and compose YAML."""
    values = env_values(source)
    lines = [_ENV_HEAD.rstrip("\n")]
    if source.validation_enabled:
        lines.append("# Validation must stay on: no `disabled: true` in the config file.")
    if ENV_PLATFORMS in values:
        lines.append("# The *_INDEXES_* pair is read by distribution 3 only; 2.8 ignores it.")
    lines.extend(f"export {name}={shell_quote(value)}" for name, value in values.items())
    lines.append("#")
    lines.append("# In a compose file, under the registry service (compose reads $$ as $):")
    lines.append("#   environment:")
    for name, value in values.items():
        lines.append(f"#     {name}: {_compose_yaml_scalar(value)}")
    return "\n".join(lines) + "\n"


def _compose_yaml_scalar(value: str) -> str:
    # Single-quoted YAML keeps backslashes; compose then interpolates `$`, so it is doubled.
    escaped = value.replace("'", "''").replace("$", "$$")
    return f"'{escaped}'"
