"""Redaction: take secrets and personal data out of log text before it leaves the host.

``redact(text)`` replaces each finding with a marker that names its kind
(``[REDACTED:aws_key]``) and counts them. The same redacted text must go to
the LLM, the stored run, notifications and the incident, so the caller
redacts once, right after collection.

Patterns run in a fixed order, most specific first: a private key block or a
JWT would otherwise be half-eaten by the generic ``key=value`` rule and leave
the rest of the secret behind. Each pattern is one compiled regex, run only
on the lines holding one of its cheap substring hints (10-30 ms for a 250 kB
Loghub sample).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

MARKER = "[REDACTED:{kind}]"


@dataclass(frozen=True)
class RedactionResult:
    """The redacted text and how many findings of each kind were replaced."""

    text: str
    counts_by_kind: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts_by_kind.values())


def marker(kind: str) -> str:
    return MARKER.format(kind=kind)


def _luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


# A replacement is a fixed string, or a function of the match returning the
# replacement, or None to leave the match alone.
Replacement = str | Callable[[re.Match], str | None]


def _generic_pair(match: re.Match) -> str | None:
    value = match.group("dq") if match.group("dq") is not None else match.group("sq")
    if value is None:
        value = match.group("bare")
    if not value or value.startswith("[REDACTED"):
        return None  # an empty value hides nothing; an earlier pattern already took this one
    quote = '"' if match.group("dq") is not None else ("'" if match.group("sq") is not None else "")
    return f"{match.group('key')}{match.group('sep')}{quote}{marker('secret')}{quote}"


def _card(match: re.Match) -> str | None:
    digits = re.sub(r"[ -]", "", match.group(0))
    if 13 <= len(digits) <= 19 and _luhn_ok(digits):
        return marker("card_number")
    return None  # order numbers, block ids and timestamps fail Luhn nine times in ten


_SECRET_KEY_NAMES = (
    r"[A-Za-z0-9_.-]*(?:password|passwd|passphrase|secret|token|credentials?)"
    r"|(?:[A-Za-z0-9_.-]*[_.-])?(?:api[_-]?)?key|[A-Za-z0-9_.-]*apikey"
)

@dataclass(frozen=True)
class Rule:
    """One kind of finding.

    ``hints`` are lowercase substrings of which at least one appears in every
    match: where none is in the text the pattern is skipped, and otherwise it
    runs only on the lines around them (``re`` tries a pattern at every
    offset, so this is what keeps redaction cheap on ordinary logs).
    ``after_hint``, when set, must match right after a hint for it to count
    ("password" in "Failed password for" is not a candidate, "password=" is).
    ``whole_text`` for patterns that span lines (key blocks).
    """

    kind: str
    pattern: re.Pattern
    replacement: Replacement
    hints: tuple[str, ...] = ()
    after_hint: re.Pattern | None = None
    whole_text: bool = False


_AWS_PREFIXES = ("AKIA", "ASIA", "AGPA", "AIDA", "AROA", "ANPA", "ANVA", "AIPA")

# Applied in this order.
BUILTIN_RULES: tuple[Rule, ...] = (
    Rule(
        "private_key",
        # A whole block; or, when the window cut the block, whatever part of it is there.
        re.compile(
            r"-----BEGIN (?P<kt>[A-Z0-9 ]*)PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END (?P=kt)PRIVATE KEY(?: BLOCK)?-----|\Z)"
            r"|(?:^[A-Za-z0-9+/=]{16,}\r?\n)*-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----",
            re.MULTILINE,
        ),
        marker("private_key"),
        hints=("private key",),
        whole_text=True,
    ),
    Rule(
        "url_credentials",
        # scheme://user:password@host (user may be empty: redis://:pw@host); the host stays.
        re.compile(r"\b([A-Za-z][A-Za-z0-9+.-]*://)[^\s/:@]*:[^\s/]*@"),
        lambda m: f"{m.group(1)}{marker('url_credentials')}@",
        hints=("://",),
    ),
    Rule(
        "jwt",
        re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"),
        marker("jwt"),
        hints=("eyj",),
    ),
    Rule(
        "bearer_token",
        re.compile(r"\b(Bearer\s+)[A-Za-z0-9._~+/-]{8,}=*", re.IGNORECASE),
        lambda m: f"{m.group(1)}{marker('bearer_token')}",
        hints=("bearer",),
    ),
    Rule(
        "authorization",
        re.compile(
            r"\b((?:proxy-)?authorization[\"']?\s*[:=]\s*[\"']?(?:(?:basic|token|digest)\s+)?)(?!\[REDACTED|bearer\s)([^\s\"',;]+)",
            re.IGNORECASE,
        ),
        lambda m: f"{m.group(1)}{marker('authorization')}",
        hints=("authorization",),
    ),
    Rule(
        "aws_key",
        re.compile(rf"\b(?:{'|'.join(_AWS_PREFIXES)})[A-Z0-9]{{16}}\b"),
        marker("aws_key"),
        hints=tuple(prefix.lower() for prefix in _AWS_PREFIXES),
    ),
    Rule(
        "aws_secret",
        re.compile(
            r"(aws_secret_access_key|aws_secret_key|secret_access_key)([\"']?\s*[:=]\s*[\"']?)[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])",
            re.IGNORECASE,
        ),
        lambda m: f"{m.group(1)}{m.group(2)}{marker('aws_secret')}",
        hints=("secret_",),
    ),
    Rule(
        "openai_key",
        re.compile(r"\bsk-(?:proj-|svcacct-|admin-|ant-)?[A-Za-z0-9_-]{20,}"),
        marker("openai_key"),
        hints=("sk-",),
    ),
    Rule(
        "github_token",
        re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})"),
        marker("github_token"),
        hints=("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
    ),
    Rule(
        "slack_token",
        re.compile(r"\bxox[abposre]-[A-Za-z0-9-]{10,}|https://hooks\.slack\.com/services/[A-Za-z0-9/]+"),
        marker("slack_token"),
        hints=("xox", "hooks.slack.com"),
    ),
    Rule(
        "secret",
        # password=..., "api_key": "...", token: ..., X-Api-Key: ... (quoted values may hold spaces).
        re.compile(
            rf"(?P<key>[\"']?\b(?:{_SECRET_KEY_NAMES})[\"']?)(?P<sep>\s*[:=]\s*)"
            r"(?:\"(?P<dq>[^\"\n]*)\"|'(?P<sq>[^'\n]*)'|(?P<bare>[^\s\"',;&}\]]+))",
            re.IGNORECASE,
        ),
        _generic_pair,
        hints=("password", "passwd", "passphrase", "secret", "token", "credential", "key"),
        after_hint=re.compile(r"[\w.-]*[\"']?\s*[:=]"),
    ),
    Rule(
        "secret",
        # Command lines in logs: --password hunter2, --api-key=..., mysql -phunter2.
        re.compile(
            r"(?P<flag>--(?:password|passwd|pass|token|secret|api-key|apikey|auth-token|access-key|secret-key|client-secret)(?:\s+|=))"
            r"(?P<value>[\"'][^\"'\n]*[\"']|[^\s\"']+)"
            r"|(?P<mysql>\b(?:mysql|mysqldump|mysqladmin|mariadb)\b[^\n]*?\s-p)(?P<mysql_value>[^\s\"']+)",
            re.IGNORECASE,
        ),
        lambda m: f"{m.group('flag')}{marker('secret')}" if m.group("flag") else f"{m.group('mysql')}{marker('secret')}",
        hints=("--pass", "--token", "--secret", "--api", "--auth-token", "--access-key", "--client-secret", "mysql", "mariadb"),
    ),
    Rule(
        "email",
        re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b"),
        marker("email"),
        hints=("@",),
        after_hint=re.compile(r"[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}"),
    ),
    Rule(
        "card_number",
        # 13-19 digits, bare or in groups of 4 (Amex 4-6-5); issuers start with 2-6,
        # which keeps epoch milliseconds and nanosecond counters (1...) out. The
        # lookbehind sits after the first digit so ``re`` can skip to candidate digits fast.
        re.compile(r"[2-6](?<![\w.+\-].)(?:\d{12,18}|\d{3}(?:[ -]\d{4}){2}[ -]\d{1,7}|\d{3}[ -]\d{6}[ -]\d{5})(?![\w-])"),
        _card,
    ),
)


def compile_extra(patterns: Iterable[str | re.Pattern]) -> list[re.Pattern]:
    """Operator patterns, compiled (they were validated by RedactionConfig)."""
    return [p if isinstance(p, re.Pattern) else re.compile(p) for p in patterns]


def redact(text: str, *, extra_patterns: Iterable[str | re.Pattern] = (), enabled: bool = True) -> RedactionResult:
    """Replace secrets and personal data in ``text`` with ``[REDACTED:<kind>]`` markers.

    ``extra_patterns`` (the monitor's own regexes) run after the built-ins and
    replace their whole match with ``[REDACTED:custom]``. ``enabled=False``
    returns the text untouched (the monitor's off switch).
    """
    if not enabled or not text:
        return RedactionResult(text, {})
    counts: dict[str, int] = {}
    rules = list(BUILTIN_RULES) + [Rule("custom", pattern, marker("custom"), whole_text=True) for pattern in compile_extra(extra_patterns)]
    lowered = text.lower()
    for rule in rules:
        if rule.hints and not any(hint in lowered for hint in rule.hints):
            continue
        if rule.whole_text or not rule.hints:
            text, found = _apply(rule.pattern, rule.replacement, text)
        else:
            text, found = _apply_near_hints(rule, text, lowered)
        if found:
            counts[rule.kind] = counts.get(rule.kind, 0) + found
            lowered = text.lower()
    return RedactionResult(text, counts)


def _apply_near_hints(rule: Rule, text: str, lowered: str) -> tuple[str, int]:
    """Apply ``rule`` only to the lines that contain one of its hints."""
    starts = set()
    for hint in rule.hints:
        position = lowered.find(hint)
        while position != -1:
            if rule.after_hint is None or rule.after_hint.match(lowered, position + len(hint)):
                starts.add(lowered.rfind("\n", 0, position) + 1)
            line_end = lowered.find("\n", position)
            position = -1 if line_end == -1 else lowered.find(hint, line_end)
    pieces, found, cursor = [], 0, 0
    for start in sorted(starts):
        end = text.find("\n", start)
        end = len(text) if end == -1 else end
        replaced, count = _apply(rule.pattern, rule.replacement, text[start:end])
        pieces += [text[cursor:start], replaced]
        found += count
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces), found
def _apply(pattern: re.Pattern, replacement: Replacement, text: str) -> tuple[str, int]:
    if isinstance(replacement, str):
        return pattern.subn(replacement.replace("\\", "\\\\"), text)
    found = 0

    def substitute(match: re.Match) -> str:
        nonlocal found
        result = replacement(match)
        if result is None:
            return match.group(0)
        found += 1
        return result

    return pattern.sub(substitute, text), found
