"""Go types as gopkg.in/yaml.v2 decodes into them, and distribution's Configuration structs.

A `GoType` holds what yaml.v2's decoder looks at: the kind (`reflect.Kind`, with
`time.Duration` apart since a string may go into it), the fields of a struct by YAML key,
a map's key and element, a slice's element, an UnmarshalYAML method, and the name Go's
reflect prints for the type in a type error (`string`, `time.Duration`, `http.Header`,
`configuration.Endpoint`, `map[string]interface {}`, or the whole literal of an anonymous
struct: `struct { Addr string "yaml:\\"addr,omitempty\\"" }`).

`scalar_fits` is yaml.v2's rule for a scalar going into a kind (decode.go's `scalar`), on
the value resolve.go gives the scalar's text: any scalar that is not null goes into a string
(its text; `!!binary` decoded) or an interface{}; only a bool into a bool; an int into an int
when it fits, a float truncated (NaN, +Inf and anything past 2^63 refused); a string into a
`time.Duration` when time.ParseDuration reads it; a timestamp into nothing but a string.

The structs are distribution 2.8.2's and 3.1.1's (configuration/configuration.go); a
pointer field is its element (yaml.v2 allocates it before decoding).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from foreign_explorer.core.gostrconv import quote
from foreign_explorer.core.yamlv2 import (
    BINARY,
    BOOL,
    FLOAT,
    INT,
    NULL,
    TIMESTAMP,
    go_parse_int,
    go_parse_uint,
)


@dataclass(frozen=True, eq=False)
class GoType:
    """A Go type as yaml.v2 walks into it.

    `kind` is "struct" (`fields` by YAML key), "map" (`key`, `elem`), "slice" (`elem`),
    "iface" (interface{}), "string", "bool", "int", "uint", "float" (`bits` for the numbers)
    or "duration". `unmarshal` names an UnmarshalYAML method (see yamlv2decode): "string"
    for a named string whose method only checks the text's shape, "version-2.8",
    "version-3", "loglevel", "platforms", "clientauth", "storage-2.8", "storage-3", "auth".
    """

    kind: str
    name: str
    fields: Mapping[str, GoType] = field(default_factory=dict)
    key: GoType | None = None
    elem: GoType | None = None
    bits: int = 64
    unmarshal: str = ""

    def field_type(self, *keys: str) -> GoType | None:
        """The type at a path of YAML keys below this struct (None where there is none)."""
        current: GoType | None = self
        for key in keys:
            if current is None or current.kind != "struct":
                return None
            current = current.fields.get(key)
        return current


STRING = GoType("string", "string")
BOOL_TYPE = GoType("bool", "bool")
INT_TYPE = GoType("int", "int")
DURATION = GoType("duration", "time.Duration")
IFACE = GoType("iface", "interface {}")
IFACE_MAP = GoType("map", "map[interface {}]interface {}", key=IFACE, elem=IFACE)


def map_of(key: GoType, elem: GoType, name: str = "", unmarshal: str = "") -> GoType:
    return GoType(
        "map", name or f"map[{key.name}]{elem.name}", key=key, elem=elem, unmarshal=unmarshal
    )


def slice_of(elem: GoType, name: str = "") -> GoType:
    return GoType("slice", name or f"[]{elem.name}", elem=elem)


def named(name: str, base: GoType, unmarshal: str = "") -> GoType:
    """A named type over `base`'s kind (`type Loglevel string`)."""
    return GoType(
        base.kind,
        name,
        fields=base.fields,
        key=base.key,
        elem=base.elem,
        bits=base.bits,
        unmarshal=unmarshal,
    )


# A struct field: (Go name, type, the yaml tag's text or None).
Field = tuple[str, GoType, str | None]


def struct(name: str | None, *fields: Field) -> GoType:
    """A struct; `name` None for an anonymous one, named as reflect prints its literal."""
    by_key: dict[str, GoType] = {}
    for go_name, go_type, tag in fields:
        key, _, options = (tag or "").partition(",")
        if options == "inline":
            by_key.update(go_type.fields)
        else:
            by_key[key or go_name.lower()] = go_type
    if name is None:
        parts = [
            f"{go_name} {go_type.name}" + (f" {quote(f'yaml:{quote(tag)}')}" if tag else "")
            for go_name, go_type, tag in fields
        ]
        name = "struct { " + "; ".join(parts) + " }" if parts else "struct {}"
    return GoType("struct", name, fields=by_key)


# --- yaml.v2's scalar rules ------------------------------------------------------------------

_SPECIAL_FLOATS = {
    **dict.fromkeys((".nan", ".NaN", ".NAN"), math.nan),
    **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), math.inf),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), -math.inf),
}
_TWO_63 = float(1 << 63)


def _int_value(text: str) -> int | None:
    plain = text.replace("_", "")
    value = go_parse_int(plain, base=0)
    return go_parse_uint(plain) if value is None else value


def _float_value(text: str) -> float:
    if text in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[text]
    as_int = _int_value(text)
    if as_int is not None:  # `!!float 1`: resolve.go turns the int into a float
        return float(as_int)
    return float(text.replace("_", ""))


def _go_int64_of_float(value: float) -> int:
    """int64(f) as amd64 converts: truncated, out of range gives math.MinInt64."""
    if math.isnan(value) or not -_TWO_63 <= value < _TWO_63:
        return -(1 << 63)
    return int(value)


def _fits_int(value: int, bits: int) -> bool:
    return -(1 << (bits - 1)) <= value < (1 << (bits - 1))


def scalar_fits(tag: str, text: str, value: str, into: GoType) -> bool:
    """Whether yaml.v2 decodes a non-null scalar (resolved `tag`, its `text` as written,
    `value` as a Go string receives it) into `into` without a type error."""
    kind = into.kind
    if kind in ("string", "iface"):
        return True
    if kind == "bool":
        return tag == BOOL
    if kind in ("int", "duration"):
        if tag == INT:
            number = _int_value(text)
            return number is not None and number < (1 << 63) and _fits_int(number, into.bits)
        if tag == FLOAT:
            real = _float_value(text)
            if math.isnan(real) or real > _TWO_63:
                return False
            return _fits_int(_go_int64_of_float(real), into.bits)
        if kind == "duration" and tag not in (BOOL, TIMESTAMP, NULL):
            return parse_duration(value if tag == BINARY else text) is not None
        return False
    if kind == "uint":
        if tag == INT:
            number = _int_value(text)
            return number is not None and 0 <= number < (1 << into.bits)
        if tag == FLOAT:
            real = _float_value(text)
            if math.isnan(real) or real > float(1 << 64):
                return False
            return 0 <= _go_uint64_of_float(real) < (1 << into.bits)
        return False
    if kind == "float":
        return tag in (INT, FLOAT)
    return False  # structs, maps, slices take no scalar but null


def _go_uint64_of_float(value: float) -> int:
    if math.isnan(value) or not 0 <= value < float(1 << 64):
        return 1 << 63  # amd64's conversion of an out-of-range value
    return int(value)


# --- time.ParseDuration ----------------------------------------------------------------------

_UNITS = {
    "ns": 1,
    "us": 1_000,
    "\u00b5s": 1_000,
    "\u03bcs": 1_000,
    "ms": 1_000_000,
    "s": 1_000_000_000,
    "m": 60_000_000_000,
    "h": 3_600_000_000_000,
}
_LIMIT = 1 << 63


def parse_duration(text: str) -> int | None:
    """time.ParseDuration's nanoseconds, or None where Go returns an error."""
    s, negative = text, False
    if s[:1] in ("-", "+"):
        negative, s = s[0] == "-", s[1:]
    if s == "0":
        return 0
    if not s:
        return None
    total = 0
    while s:
        if not (s[0] == "." or "0" <= s[0] <= "9"):
            return None
        start = len(s)
        whole, s = _leading_digits(s)
        if whole is None:
            return None
        has_whole = len(s) != start
        fraction, scale, has_fraction = 0, 1.0, False
        if s[:1] == ".":
            s = s[1:]
            start = len(s)
            fraction, scale, s = _leading_fraction(s)
            has_fraction = len(s) != start
        if not has_whole and not has_fraction:
            return None
        end = 0
        while end < len(s) and not (s[end] == "." or "0" <= s[end] <= "9"):
            end += 1
        if end == 0:
            return None
        unit = _UNITS.get(s[:end])
        s = s[end:]
        if unit is None or whole > _LIMIT // unit:
            return None
        whole *= unit
        if fraction > 0:
            whole += int(float(fraction) * (float(unit) / scale))
            if whole > _LIMIT:
                return None
        total += whole
        if total > _LIMIT:
            return None
    if negative:
        return -total
    return None if total > _LIMIT - 1 else total


def _leading_digits(s: str) -> tuple[int | None, str]:
    value, index = 0, 0
    while index < len(s) and "0" <= s[index] <= "9":
        if value > (_LIMIT - 1) // 10:
            return None, s
        value = value * 10 + ord(s[index]) - 48
        if value > _LIMIT:
            return None, s
        index += 1
    return value, s[index:]


def _leading_fraction(s: str) -> tuple[int, float, str]:
    value, scale, index, overflow = 0, 1.0, 0, False
    while index < len(s) and "0" <= s[index] <= "9":
        if not overflow:
            if value > (_LIMIT - 1) // 10:
                overflow = True
            else:
                following = value * 10 + ord(s[index]) - 48
                if following > _LIMIT:
                    overflow = True
                else:
                    value, scale = following, scale * 10
        index += 1
    return value, scale, s[index:]


# --- distribution's structs (configuration/configuration.go) ---------------------------------

_CONF = "configuration."
_PARAMETERS = map_of(STRING, IFACE, name=_CONF + "Parameters")
_STORAGE_MAP = map_of(STRING, _PARAMETERS)  # what Storage and Auth try first
STORAGE_MAP = _STORAGE_MAP
_HEADER = map_of(STRING, slice_of(STRING), name="http.Header")
_STRINGS = slice_of(STRING)
_LOGLEVEL = named(_CONF + "Loglevel", STRING, unmarshal="loglevel")
_FIELDS = map_of(STRING, IFACE)


def _s(go_name: str, go_type: GoType, tag: str | None = None) -> Field:
    return (go_name, go_type, tag)


def _o(go_name: str, go_type: GoType, key: str | None = None) -> Field:
    """A field tagged `yaml:"key,omitempty"` (key: the Go name lower-cased)."""
    return (go_name, go_type, f"{key or go_name.lower()},omitempty")


def _profile_types(three: bool) -> dict[str, GoType]:
    """The named and shared types of one release line."""

    def anon_or(name: str, *fields: Field) -> GoType:
        return struct(_CONF + name if three else None, *fields)

    smtp = anon_or(
        "SMTP",
        _o("Addr", STRING),
        _o("Username", STRING),
        _o("Password", STRING),
        _o("Insecure", BOOL_TYPE),
    )
    mail = struct(_CONF + "MailOptions", _o("SMTP", smtp), _o("From", STRING), _o("To", _STRINGS))
    hook = struct(
        _CONF + "LogHook",
        _o("Disabled", BOOL_TYPE),
        _o("Type", STRING),
        _o("Levels", _STRINGS),
        _o("MailOptions", mail, "options"),
    )
    middleware = struct(
        _CONF + "Middleware",
        _s("Name", STRING, "name"),
        _o("Disabled", BOOL_TYPE),
        _s("Options", _PARAMETERS, "options"),
    )
    endpoint = struct(
        _CONF + "Endpoint",
        _s("Name", STRING, "name"),
        _s("Disabled", BOOL_TYPE, "disabled"),
        _s("URL", STRING, "url"),
        _s("Headers", _HEADER, "headers"),
        _s("Timeout", DURATION, "timeout"),
        _s("Threshold", INT_TYPE, "threshold"),
        _s("Backoff", DURATION, "backoff"),
        _s("IgnoredMediaTypes", _STRINGS, "ignoredmediatypes"),
        _s(
            "Ignore",
            struct(
                _CONF + "Ignore",
                _s("MediaTypes", _STRINGS, "mediatypes"),
                _s("Actions", _STRINGS, "actions"),
            ),
            "ignore",
        ),
    )
    notifications = struct(
        _CONF + "Notifications",
        _o(
            "EventConfig",
            struct(_CONF + "Events", _s("IncludeReferences", BOOL_TYPE, "includereferences")),
            "events",
        ),
        _o("Endpoints", slice_of(endpoint)),
    )
    checkers = (
        struct(
            _CONF + "FileChecker",
            _o("Interval", DURATION),
            _o("File", STRING),
            _o("Threshold", INT_TYPE),
        ),
        struct(
            _CONF + "HTTPChecker",
            _o("Timeout", DURATION),
            _s("StatusCode", INT_TYPE),
            _o("Interval", DURATION),
            _o("URI", STRING),
            _s("Headers", _HEADER, "headers"),
            _o("Threshold", INT_TYPE),
        ),
        struct(
            _CONF + "TCPChecker",
            _o("Timeout", DURATION),
            _o("Interval", DURATION),
            _o("Addr", STRING),
            _o("Threshold", INT_TYPE),
        ),
    )
    health = struct(
        _CONF + "Health",
        _o("FileCheckers", slice_of(checkers[0]), "file"),
        _o("HTTPCheckers", slice_of(checkers[1]), "http"),
        _o("TCPCheckers", slice_of(checkers[2]), "tcp"),
        _o(
            "StorageDriver",
            anon_or(
                "StorageDriver",
                _o("Enabled", BOOL_TYPE),
                _o("Interval", DURATION),
                _o("Threshold", INT_TYPE),
            ),
        ),
    )
    log_fields = [
        _o("AccessLog", anon_or("AccessLog", _o("Disabled", BOOL_TYPE))),
        _o("Level", _LOGLEVEL),
        _o("Formatter", STRING),
        _o("Fields", _FIELDS),
        _o("Hooks", slice_of(hook)),
    ]
    if three:
        log_fields.append(_o("ReportCaller", BOOL_TYPE))
    tls_fields = [
        _o("Certificate", STRING),
        _o("Key", STRING),
        _o("ClientCAs", _STRINGS),
    ]
    if three:
        clientauth = named(_CONF + "ClientAuth", STRING, unmarshal="clientauth")
        tls_fields.append(_o("ClientAuth", clientauth))
    letsencrypt = [_o("CacheFile", STRING), _o("Email", STRING), _o("Hosts", _STRINGS)]
    if three:
        letsencrypt.append(_o("DirectoryURL", STRING))
    tls_fields += [
        _o("MinimumTLS", STRING),
        _o("CipherSuites", _STRINGS),
        _o("LetsEncrypt", anon_or("LetsEncrypt", *letsencrypt)),
    ]
    http_fields = [
        _o("Addr", STRING),
        _o("Net", STRING),
        _o("Host", STRING),
        _o("Prefix", STRING),
        _o("Secret", STRING),
        _o("RelativeURLs", BOOL_TYPE),
        _o("DrainTimeout", DURATION),
        _o("TLS", anon_or("TLS", *tls_fields)),
        _o("Headers", _HEADER),
        _o(
            "Debug",
            anon_or(
                "Debug",
                _o("Addr", STRING),
                _o(
                    "Prometheus",
                    anon_or("Prometheus", _o("Enabled", BOOL_TYPE), _o("Path", STRING)),
                ),
            ),
        ),
        _o("HTTP2", anon_or("HTTP2", _o("Disabled", BOOL_TYPE))),
    ]
    if three:
        http_fields.append(_o("H2C", anon_or("H2C", _o("Enabled", BOOL_TYPE))))
    return {
        "log": anon_or("Log", *log_fields),
        "http": anon_or("HTTP", *http_fields),
        "middleware": map_of(STRING, slice_of(middleware)),
        "notifications": notifications,
        "health": health,
    }


def _urls(three: bool) -> GoType:
    return struct(_CONF + "URLs" if three else None, _o("Allow", _STRINGS), _o("Deny", _STRINGS))


def _configuration_2_8() -> GoType:
    shared = _profile_types(False)
    redis = struct(
        None,
        _o("Addr", STRING),
        _o("Password", STRING),
        _o("DB", INT_TYPE),
        _o("DialTimeout", DURATION),
        _o("ReadTimeout", DURATION),
        _o("WriteTimeout", DURATION),
        _o(
            "Pool",
            struct(
                None,
                _o("MaxIdle", INT_TYPE),
                _o("MaxActive", INT_TYPE),
                _o("IdleTimeout", DURATION),
            ),
        ),
    )
    validation = struct(
        None,
        _o("Enabled", BOOL_TYPE),
        _o("Disabled", BOOL_TYPE),
        _o("Manifests", struct(None, _o("URLs", _urls(False)))),
    )
    return struct(
        _CONF + "v0_1Configuration",
        _s("Version", named(_CONF + "Version", STRING, "version-2.8"), "version"),
        _s("Log", shared["log"]),
        _o("Loglevel", _LOGLEVEL),
        _s("Storage", named(_CONF + "Storage", _STORAGE_MAP, "storage-2.8"), "storage"),
        _o("Auth", named(_CONF + "Auth", _STORAGE_MAP, "auth")),
        _o("Middleware", shared["middleware"]),
        _o(
            "Reporting",
            struct(
                _CONF + "Reporting",
                _o(
                    "Bugsnag",
                    struct(
                        _CONF + "BugsnagReporting",
                        _o("APIKey", STRING),
                        _o("ReleaseStage", STRING),
                        _o("Endpoint", STRING),
                    ),
                ),
                _o(
                    "NewRelic",
                    struct(
                        _CONF + "NewRelicReporting",
                        _o("LicenseKey", STRING),
                        _o("Name", STRING),
                        _o("Verbose", BOOL_TYPE),
                    ),
                ),
            ),
        ),
        _o("HTTP", shared["http"]),
        _o("Notifications", shared["notifications"]),
        _o("Redis", redis),
        _o("Health", shared["health"]),
        _o("Catalog", struct(_CONF + "Catalog", _o("MaxEntries", INT_TYPE))),
        _o(
            "Proxy",
            struct(
                _CONF + "Proxy",
                _s("RemoteURL", STRING, "remoteurl"),
                _s("Username", STRING, "username"),
                _s("Password", STRING, "password"),
            ),
        ),
        _o(
            "Compatibility",
            struct(
                None,
                _o(
                    "Schema1",
                    struct(
                        None,
                        _o("TrustKey", STRING, "signingkeyfile"),
                        _o("Enabled", BOOL_TYPE),
                    ),
                ),
            ),
        ),
        _o("Validation", validation),
        _o(
            "Policy",
            struct(None, _o("Repository", struct(None, _s("Classes", _STRINGS, "classes")))),
        ),
    )


def _configuration_3() -> GoType:
    shared = _profile_types(True)
    options: list[Field] = [
        _o("Addrs", _STRINGS),
        _o("ClientName", STRING),
        _o("DB", INT_TYPE),
        _o("Protocol", INT_TYPE),
        _o("Username", STRING),
        _o("Password", STRING),
        _o("SentinelUsername", STRING),
        _o("SentinelPassword", STRING),
        _o("MaxRetries", INT_TYPE),
        _o("MinRetryBackoff", DURATION),
        _o("MaxRetryBackoff", DURATION),
        _o("DialTimeout", DURATION),
        _o("ReadTimeout", DURATION),
        _o("WriteTimeout", DURATION),
        _o("ContextTimeoutEnabled", BOOL_TYPE),
        _o("PoolFIFO", BOOL_TYPE),
        _o("PoolSize", INT_TYPE),
        _o("PoolTimeout", DURATION),
        _o("MinIdleConns", INT_TYPE),
        _o("MaxIdleConns", INT_TYPE),
        _o("MaxActiveConns", INT_TYPE),
        _o("ConnMaxIdleTime", DURATION),
        _o("ConnMaxLifetime", DURATION),
        _o("MaxRedirects", INT_TYPE),
        _o("ReadOnly", BOOL_TYPE),
        _o("RouteByLatency", BOOL_TYPE),
        _o("RouteRandomly", BOOL_TYPE),
        _o("MasterName", STRING),
        _o("DisableIdentity", BOOL_TYPE),
        _o("IdentitySuffix", STRING),
        _o("UnstableResp3", BOOL_TYPE),
    ]
    redis = struct(
        _CONF + "Redis",
        _s("Options", struct(_CONF + "RedisOptions", *options), ",inline"),
        _o(
            "TLS",
            struct(
                _CONF + "RedisTLSOptions",
                _o("Certificate", STRING),
                _o("Key", STRING),
                _o("RootCAs", _STRINGS),
            ),
        ),
    )
    platform = struct(_CONF + "Platform", _o("Architecture", STRING), _o("OS", STRING))
    indexes = struct(
        _CONF + "ValidationIndexes",
        _s("Platforms", named(_CONF + "Platforms", STRING, "platforms"), "platforms"),
        _o("PlatformList", slice_of(platform)),
    )
    validation = struct(
        _CONF + "Validation",
        _o("Enabled", BOOL_TYPE),
        _o("Disabled", BOOL_TYPE),
        _o(
            "Manifests",
            struct(
                _CONF + "ValidationManifests",
                _o("URLs", _urls(True)),
                _o("Indexes", indexes),
            ),
        ),
    )
    return struct(
        _CONF + "v0_1Configuration",
        _s("Version", named(_CONF + "Version", STRING, "version-3"), "version"),
        _s("Log", shared["log"], "log"),
        _o("Loglevel", _LOGLEVEL),
        _s("Storage", named(_CONF + "Storage", _STORAGE_MAP, "storage-3"), "storage"),
        _o("Auth", named(_CONF + "Auth", _STORAGE_MAP, "auth")),
        _o("Middleware", shared["middleware"]),
        _o("HTTP", shared["http"]),
        _o("Notifications", shared["notifications"]),
        _o("Redis", redis),
        _o("Health", shared["health"]),
        _o("Catalog", struct(_CONF + "Catalog", _o("MaxEntries", INT_TYPE))),
        _o("Tags", struct(_CONF + "Tags", _o("MaxTags", INT_TYPE))),
        _o(
            "Proxy",
            struct(
                _CONF + "Proxy",
                _s("RemoteURL", STRING, "remoteurl"),
                _s("Username", STRING, "username"),
                _s("Password", STRING, "password"),
                _o(
                    "Exec",
                    struct(
                        _CONF + "ExecConfig",
                        _s("Command", STRING, "command"),
                        _o("Lifetime", DURATION),
                    ),
                ),
                _o("TTL", DURATION),
                _o("CacheWriteTimeout", DURATION),
            ),
        ),
        _o("Validation", validation),
        _o(
            "Policy",
            struct(
                _CONF + "Policy",
                _o(
                    "Repository",
                    struct(_CONF + "Repository", _s("Classes", _STRINGS, "classes")),
                ),
            ),
        ),
    )


CONFIGURATION_2_8 = _configuration_2_8()
CONFIGURATION_3 = _configuration_3()

# `struct { Version Version }`: the first pass, which picks the parser by version.
VERSIONED_2_8 = struct(None, ("Version", CONFIGURATION_2_8.fields["version"], None))
VERSIONED_3 = struct(None, ("Version", CONFIGURATION_3.fields["version"], None))
