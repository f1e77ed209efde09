import time
from pathlib import Path

import pytest
from django.conf import settings

from runs.llm import AnalysisRequest
from runs.llm.stub import StubProvider, analyze_text

DEMO_LOGS = Path(settings.BASE_DIR) / "demo" / "logs"


def sample(name: str) -> str:
    label = name.split("_")[0].lower()
    return f"[{label}]\n" + (DEMO_LOGS / name).read_text()


def analyze(logs: str):
    return StubProvider().analyze(AnalysisRequest(prompt="Look for problems.", logs_text=logs, monitor_name="demo"))


@pytest.mark.parametrize(
    ("name", "status", "evidence"),
    [
        ("OpenSSH_2k.log", "CRITICAL", "Brute-force login attack: 582 failed logins from 183.62.140.253"),
        ("Apache_2k.log", "CRITICAL", "595 error lines (30% of 2000)"),
        ("Linux_2k.log", "WARNING", "failed logins from 48 sources"),
        ("HDFS_2k.log", "WARNING", "80 warning lines"),
        ("Zookeeper_2k.log", "WARNING", "1318 warning lines"),
    ],
)
def test_it_gives_a_sensible_verdict_on_each_demo_sample(name, status, evidence):
    analysis = analyze(sample(name))

    assert analysis.verdict.status == status
    assert evidence in analysis.verdict.summary
    assert analysis.verdict.recommendations


def test_its_report_on_the_openssh_sample_has_counts_sources_repeats_and_samples():
    verdict = analyze(sample("OpenSSH_2k.log")).verdict

    assert "== Section [openssh]: CRITICAL ==" in verdict.report
    assert "85 POSSIBLE BREAK-IN ATTEMPT" in verdict.report
    assert "Busiest sources: 183.62.140.253 (582), 187.141.143.180" in verdict.report
    assert "Failed password for root from <n> port <n>" in verdict.report  # a repeated message, numbers folded
    assert "Sample lines:" in verdict.report
    assert any("183.62.140.253" in r and "fail2ban" in r for r in verdict.recommendations)
    assert any("PasswordAuthentication no" in r for r in verdict.recommendations)


def test_it_names_the_most_repeated_error_in_the_apache_sample():
    verdict = analyze(sample("Apache_2k.log")).verdict

    assert "mod_jk child workerEnv in error state <n>' (539x)" in verdict.summary
    assert "mod_jk child workerEnv in error state" in verdict.recommendations[0]


def test_quiet_logs_are_healthy():
    logs = "[app]\n" + "\n".join(f"2024-05-01 10:00:{i:02d} INFO GET /health 200" for i in range(50))

    verdict = analyze(logs).verdict

    assert verdict.status == "HEALTHY"
    assert "No problems found in 50 log lines" in verdict.summary
    assert "1x" not in verdict.report and "50x [info] INFO GET /health <n>" in verdict.report


def test_an_empty_input_is_healthy_because_filters_print_nothing_when_all_is_well():
    assert analyze("[errors]\n").verdict.status == "HEALTHY"


@pytest.mark.parametrize(
    ("line", "hint"),
    [
        ("Jan 1 00:00:01 db1 kernel: Out of memory: Killed process 4242 (postgres)", "OOM killer"),
        ("Jan 1 00:00:01 web1 kernel: nginx[77]: segfault at 0 ip 000055 sp 00007ff error 4", "core dump"),
        ("2024-05-01 10:00:00 ERROR write failed: No space left on device", "free space"),
        ("2024-05-01 10:00:00 FATAL could not start the cluster", "fatal events"),
    ],
)
def test_a_single_fatal_line_is_critical_with_a_concrete_hint(line, hint):
    logs = "[host]\n" + "2024-05-01 10:00:00 INFO fine\n" * 500 + line

    verdict = analyze(logs).verdict

    assert verdict.status == "CRITICAL"
    assert any(hint in r for r in verdict.recommendations)


def test_a_login_that_succeeds_after_failures_from_the_same_address_is_critical():
    failed = "Jan 1 10:00:00 bastion sshd[1]: Failed password for deploy from 203.0.113.9 port 22 ssh2\n" * 6
    logs = "[ssh]\n" + failed + "Jan 1 10:00:09 bastion sshd[1]: Accepted password for deploy from 203.0.113.9 port 22 ssh2"

    verdict = analyze(logs).verdict

    assert verdict.status == "CRITICAL"
    assert "User deploy logged in from 203.0.113.9 after 6 failed attempts" in verdict.summary


def test_a_python_traceback_is_a_warning_that_names_the_exception():
    logs = "[worker]\n" + "INFO ok\n" * 300 + 'Traceback (most recent call last):\n  File "job.py", line 3, in run\nKeyError: \'tenant\'\n'

    verdict = analyze(logs).verdict

    assert verdict.status == "WARNING"
    assert "KeyError: 'tenant'" in verdict.summary


def test_an_explicit_level_wins_over_words_in_the_message():
    logs = "[zk]\n" + "2024-05-01 10:00:00,000 - INFO  [main] - Got user-level KeeperException: error ignored\n" * 50

    assert analyze(logs).verdict.status == "HEALTHY"


def test_a_small_failing_section_is_not_diluted_by_a_large_quiet_one():
    logs = "[web]\n" + "INFO GET / 200\n" * 2000 + "\n[worker]\n" + "ERROR job failed: timeout\n" * 25

    verdict = analyze(logs).verdict

    assert verdict.status == "CRITICAL"
    assert verdict.summary.startswith("[worker] 25 error lines (100% of 25)")
    assert "== Section [web]: HEALTHY ==" in verdict.report


def test_an_input_that_could_not_be_read_is_a_warning():
    logs = "[web]\nINFO ok\n\n[db]\n[error: cannot read '/var/log/pg.log': No such file or directory]"

    verdict = analyze(logs).verdict

    assert verdict.status == "WARNING"
    assert "[db] input could not be read completely: cannot read '/var/log/pg.log'" in verdict.summary


def test_it_ignores_the_collectors_truncation_markers():
    logs = "[... truncated: 900 older lines omitted ...]\n[app]\n[... truncated: 10 older lines omitted ...]\nINFO ok"

    verdict, sections = analyze_text(logs)

    assert [(s.label, s.lines) for s in sections] == [("app", 1)]
    assert verdict.status == "HEALTHY"


def test_it_is_deterministic_and_records_its_answer_like_a_provider():
    logs = sample("Linux_2k.log")

    first, second = analyze(logs), analyze(logs)

    assert first.verdict == second.verdict
    assert first.model == "stub"
    assert '"status": "WARNING"' in first.response


def test_it_judges_a_2000_line_sample_quickly():
    logs = sample("OpenSSH_2k.log")
    analyze_text(logs)  # warm up: template loading

    started = time.perf_counter()
    analyze_text(logs)

    assert time.perf_counter() - started < 1.0  # a few ms on an idle machine; loose for busy CI


def test_it_reads_the_collectors_own_lines_as_notes_not_as_log_lines():
    logs = (
        "[app]\n[... truncated: 10 older lines omitted ...]\n[note: the file was rotated]\nINFO ok\n[command exited with status 1]"
        "\n\n[quiet]\n(no output)\n\n[job]\n[command was killed by signal 9]"
    )

    verdict, sections = analyze_text(logs)

    assert [(s.label, s.lines) for s in sections] == [("app", 1), ("quiet", 0), ("job", 0)]
    assert sections[0].notes == ["... truncated: 10 older lines omitted ...", "the file was rotated", "command exited with status 1"]
    assert verdict.status == "WARNING"  # the killed command, not the exit status (grep exits 1 when all is well)
    assert "[job] input could not be read completely: command was killed by signal 9" in verdict.summary
