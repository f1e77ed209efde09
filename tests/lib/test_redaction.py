"""Redaction: every kind of secret is replaced by a marker naming it; ordinary text stays."""

import pytest

from logmonitor.lib.redaction import redact

# (kind, line as it appears in a log, the secret part that must disappear)
CANARIES = [
    ("aws_key", "boto: using key AKIAZZCANARY7EXAMPLE for s3", "AKIAZZCANARY7EXAMPLE"),
    ("aws_secret", "aws_secret_access_key = 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", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYCANARYKEY0"),
    ("bearer_token", "GET /api Authorization: Bearer canaryBearer.Token-12345", "canaryBearer.Token-12345"),
    ("authorization", "Proxy-Authorization: Basic Y2FuYXJ5OmNhbmFyeQ==", "Y2FuYXJ5OmNhbmFyeQ=="),
    ("secret", "connect user=app password=canary-hunter2 ok", "canary-hunter2"),
    ("secret", 'config {"password": "canary pass phrase", "user": "app"}', "canary pass phrase"),
    ("secret", "retry with token=canaryTok3n&page=2", "canaryTok3n"),
    ("secret", "X-Api-Key: canaryApiKey99", "canaryApiKey99"),
    ("secret", "client_secret='canary-client-secret'", "canary-client-secret"),
    ("openai_key", "openai error for sk-proj-CANARYabcdefghijklmnop0123", "sk-proj-CANARYabcdefghijklmnop0123"),
    ("github_token", "clone with ghp_CANARY0123456789abcdefghijklmnopqrstu", "ghp_CANARY0123456789abcdefghijklmnopqrstu"),
    ("slack_token", "posting with xoxb-1234567890-CANARYslacktoken", "xoxb-1234567890-CANARYslacktoken"),
    (
        "jwt",
        "session eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ.c2lnbmF0dXJlQ0FOQVJZ expired",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ.c2lnbmF0dXJlQ0FOQVJZ",
    ),
    ("url_credentials", "db at postgres://app:canaryDbPass@db.internal:5432/prod", "canaryDbPass"),
    ("url_credentials", "cache at redis://:canaryRedisPass@cache:6379/0", "canaryRedisPass"),
    ("email", "mail to canary.person@example.org bounced", "canary.person@example.org"),
    ("card_number", "charge card 4111 1111 1111 1111 declined", "4111 1111 1111 1111"),
    ("card_number", "charge card 5500-0000-0000-0004 declined", "5500-0000-0000-0004"),
    ("card_number", "charge card 378282246310005 declined", "378282246310005"),
]


@pytest.mark.parametrize(("kind", "line", "secret"), CANARIES, ids=[f"{k}-{i}" for i, (k, _, _) in enumerate(CANARIES)])
def test_it_replaces_each_kind_of_secret_with_a_marker_naming_it(kind, line, secret):
    result = redact(line)

    assert secret not in result.text
    assert f"[REDACTED:{kind}]" in result.text
    assert result.counts_by_kind == {kind: 1}


def test_it_redacts_a_whole_private_key_block():
    text = "loaded key\n-----BEGIN RSA PRIVATE KEY-----\nMIIEcanaryAAAAAAAAAAAAAAAAAAAA\nQUJDcanaryBBBBBBBBBBBBBBBBBBBB\n-----END RSA PRIVATE KEY-----\nnext line"

    result = redact(text)

    assert result.text == "loaded key\n[REDACTED:private_key]\nnext line"
    assert result.counts_by_kind == {"private_key": 1}


def test_it_redacts_the_part_of_a_key_block_left_by_a_window_cut():
    text = "MIIEcanaryAAAAAAAAAAAAAAAAAAAA\nQUJDcanaryBBBBBBBBBBBBBBBBBBBB\n-----END OPENSSH PRIVATE KEY-----\nservice started"

    result = redact(text)

    assert "canary" not in result.text
    assert result.text.endswith("[REDACTED:private_key]\nservice started")


def test_it_keeps_the_key_name_and_the_host_readable():
    result = redact("password=hunter2 url=https://bob:pw@example.com/x")

    assert result.text == "password=[REDACTED:secret] url=https://[REDACTED:url_credentials]@example.com/x"


def test_it_counts_findings_across_lines_and_kinds():
    result = redact("password=a\npassword=b\nmail ops@example.com")

    assert result.counts_by_kind == {"secret": 2, "email": 1}
    assert result.total == 3


@pytest.mark.parametrize(
    "line",
    [
        "order 4111111111111112 shipped",  # 16 digits, fails Luhn
        "fetched https://example.com/path?q=1 in 20ms",  # ordinary URL
        "ftp://mirror.example.com:21/pub ok",  # a port is not a password
        "Failed password for root from 10.0.0.1 port 22 ssh2",  # the word password without a value
        "sudo: PWD=/root ; USER=root ; COMMAND=/bin/ls",
        "usage: max_tokens=500 prompt_tokens=1200",
        "blk_-6952295868487656571 and epoch 1438212084000",  # block ids and epoch millis
        "FastLeaderElection@774] - Notification time out",  # an @ that is no email
    ],
)
def test_it_leaves_ordinary_log_text_alone(line):
    result = redact(line)

    assert result.text == line
    assert result.counts_by_kind == {}


def test_it_applies_the_monitors_extra_patterns():
    result = redact("user id ACME-123456 logged in", extra_patterns=[r"ACME-\d{6}"])

    assert result.text == "user id [REDACTED:custom] logged in"
    assert result.counts_by_kind == {"custom": 1}


def test_it_can_be_switched_off():
    text = "password=hunter2 AKIAZZCANARY7EXAMPLE"

    result = redact(text, enabled=False)

    assert result.text == text
    assert result.counts_by_kind == {}


def test_it_finds_nothing_to_redact_in_the_bundled_samples_but_the_one_real_email(loghub_samples):
    counts = {}
    for path in loghub_samples:
        for kind, count in redact(path.read_text()).counts_by_kind.items():
            counts[kind] = counts.get(kind, 0) + count

    # Linux_2k.log names its kernel's builder, bhcompile@daffy.perf.redhat.com.
    assert counts == {"email": 1}


@pytest.mark.parametrize(
    "line, secret",
    [
        ("backup.sh --password hunter2 --user backup", "hunter2"),
        ("deploy --token 'tok en-42' --env prod", "tok en-42"),
        ("vault login --client-secret=s3cr3t-value", "s3cr3t-value"),
        ("mysqldump -u root -pHunter2Pass shop > dump.sql", "Hunter2Pass"),
    ],
)
def test_it_redacts_secrets_passed_as_command_line_flags(line, secret):
    result = redact(line)
    assert secret not in result.text
    assert "[REDACTED:secret]" in result.text


@pytest.mark.parametrize("line", ["ssh -p 2222 admin@bastion", "docker run -p 8080:80 nginx", "Failed password for root from 10.0.0.1 port 22 ssh2"])
def test_flags_that_are_not_secrets_stay(line):
    assert redact(line).text == line
