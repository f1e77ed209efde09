"""Config schemas for redaction and severity rules: bad values get messages that name the field."""

import pytest

from monitors.schemas import ConfigError, FloorRuleSpec, RedactionConfig, parse


def test_redaction_is_on_by_default_with_no_extra_patterns():
    config = parse("redaction_config", RedactionConfig, None)

    assert (config.enabled, config.extra_patterns) == (True, [])


def test_an_extra_pattern_that_does_not_compile_is_named_by_its_position():
    with pytest.raises(ConfigError) as caught:
        parse("redaction_config", RedactionConfig, {"extra_patterns": [r"ACME-\d+", "(unclosed"]})

    assert caught.value.lines[0].startswith("redaction_config.extra_patterns[1]: '(unclosed' is not a valid regular expression")
    assert list(caught.value.errors) == ["extra_patterns"]


def test_a_pattern_that_matches_nothing_at_all_is_refused():
    with pytest.raises(ConfigError, match=r"extra_patterns\[0\]: 'x\*' matches an empty string"):
        parse("redaction_config", RedactionConfig, {"extra_patterns": ["x*"]})


def test_severity_rules_validate_pattern_status_and_count():
    with pytest.raises(ConfigError) as caught:
        parse(
            "severity_rules",
            FloorRuleSpec,
            [{"pattern": "FATAL", "min_status": "CRITICAL"}, {"pattern": "[", "min_status": "HEALTHY", "min_count": 0}],
            many=True,
        )

    fields = sorted(line.split(":")[0] for line in caught.value.lines)
    assert fields == ["severity_rules[1].min_count", "severity_rules[1].min_status", "severity_rules[1].pattern"]


def test_a_valid_severity_rule_keeps_its_defaults():
    (rule,) = parse("severity_rules", FloorRuleSpec, [{"pattern": "upstream timed out", "min_status": "WARNING"}], many=True)

    assert (rule.min_count, rule.label) == (1, "")
