import json

import pytest

from runs.llm import ProviderError
from runs.llm.parsing import extract_json_object, parse_verdict

VERDICT = {"status": "WARNING", "summary": "Disk filling up.", "report": "== Disk ==\n91% used.", "recommendations": ["Rotate logs."]}


def test_it_reads_a_bare_json_verdict():
    verdict = parse_verdict(json.dumps(VERDICT))

    assert verdict.status == "WARNING"
    assert verdict.recommendations == ["Rotate logs."]


def test_it_finds_the_verdict_inside_markdown_fences_and_prose():
    answer = "Here is my analysis:\n```json\n" + json.dumps(VERDICT) + "\n```\nHope this helps."

    assert parse_verdict(answer).summary == "Disk filling up."


def test_it_skips_a_reasoning_block_and_other_objects_before_the_verdict():
    answer = '<think>maybe {"status": "HEALTHY"}?</think> Context: {"lines": 3} then ' + json.dumps(VERDICT)

    assert extract_json_object(answer) == VERDICT


def test_it_accepts_a_status_in_another_case():
    assert parse_verdict(json.dumps({**VERDICT, "status": " critical "})).status == "CRITICAL"


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("The logs look fine to me.", "no JSON object"),
        ("", "the answer is empty"),
        (json.dumps({**VERDICT, "status": "OK"}), "status: must be HEALTHY, WARNING or CRITICAL (got 'OK')"),
        (json.dumps({"status": "HEALTHY", "report": "x"}), "summary: this field is required"),
        (json.dumps({**VERDICT, "recommendations": "reboot"}), "recommendations:"),
    ],
)
def test_it_refuses_an_answer_that_is_not_a_verdict_and_keeps_the_raw_answer(answer, expected):
    with pytest.raises(ProviderError) as caught:
        parse_verdict(answer, request='{"messages": []}')

    assert expected in str(caught.value)
    assert caught.value.raw_response == answer
    assert caught.value.request == '{"messages": []}'


def test_it_quotes_only_the_start_of_a_long_bad_answer_in_the_message():
    answer = "no json here " * 200

    with pytest.raises(ProviderError) as caught:
        parse_verdict(answer)

    assert len(str(caught.value)) < 500
    assert caught.value.raw_response == answer
