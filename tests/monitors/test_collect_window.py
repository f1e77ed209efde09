"""Windows: per-input and monitor-wide cuts keep the newest lines and say what they cut."""

from monitors.collectors import collect, collect_one
from monitors.collectors.base import Section
from monitors.collectors.window import fair_shares, join_sections
from monitors.schemas import InputSpec, WindowConfig


def numbered(label: str, count: int, width: int = 0) -> Section:
    return Section(label=label, text="\n".join(f"{label} {i}{'.' * width}" for i in range(count)))


def test_an_inputs_max_lines_keeps_the_newest_lines_behind_a_marker():
    spec = InputSpec(label="seq", command="seq 1 10", max_lines=3)

    collection = collect([spec], WindowConfig())

    assert collection.logs_text == "[seq]\n[... truncated: 7 older lines omitted ...]\n8\n9\n10"
    assert collection.sections[0].as_dict()["truncated_lines"] == 7
    assert collection.truncated_lines == 0  # the monitor's window cut nothing


def test_an_inputs_max_chars_cuts_on_a_line_boundary():
    section = collect_one(InputSpec(label="seq", command="seq 1 1000", max_chars=12))

    assert section.text == "998\n999\n1000"
    assert section.render().splitlines()[1] == f"[... truncated: {section.truncated_chars} older characters omitted ...]"
    assert section.truncated_chars == len("\n".join(str(i) for i in range(1, 1001))) - 12


def test_the_monitor_window_is_shared_fairly_instead_of_dropping_early_sections(settings):
    sections = [numbered("big", 1000), numbered("small", 10), numbered("mid", 60)]

    collection = join_sections(sections, WindowConfig(max_lines=112))

    text = collection.logs_text
    assert len(text.splitlines()) == 112  # the whole window is used, not a line more
    assert "[small]\nsmall 0\n" in text and "small 9" in text  # small sections keep everything
    assert "[big]\n[... truncated: 952 older lines omitted ...]\nbig 952\n" in text
    assert "[mid]\n[... truncated: 13 older lines omitted ...]\nmid 13\n" in text
    assert text.endswith("mid 59")
    assert collection.truncated_lines == 965


def test_the_monitor_character_budget_is_shared_and_the_cap_holds():
    sections = [numbered("a", 500, width=20), numbered("b", 5)]

    collection = join_sections(sections, WindowConfig(max_chars=2000))

    assert len(collection.logs_text) <= 2000
    assert "[b]\nb 0\nb 1\nb 2\nb 3\nb 4" in collection.logs_text
    assert collection.logs_text.startswith("[a]\n[... truncated: ")
    assert "older characters omitted ...]\n" in collection.logs_text
    assert f"a 499{'.' * 20}" in collection.logs_text
    assert collection.truncated_chars == sections[0].truncated_chars > 0


def test_input_and_monitor_cuts_add_up_in_one_marker():
    spec = InputSpec(label="seq", command="seq 1 100", max_lines=50)

    collection = collect([spec], WindowConfig(max_lines=14))

    assert collection.logs_text.splitlines()[:3] == ["[seq]", "[... truncated: 88 older lines omitted ...]", "89"]
    assert collection.sections[0].truncated_lines == 88
    assert collection.truncated_lines == 38


def test_a_window_too_small_for_every_header_still_holds_its_cap():
    sections = [numbered(f"s{i}", 5) for i in range(10)]

    collection = join_sections(sections, WindowConfig(max_lines=6))

    lines = collection.logs_text.splitlines()
    assert len(lines) <= 6
    assert lines[0].startswith("[... truncated: the window is too small for every section")
    assert lines[-2:] == ["[s9]", "[... truncated: 5 older lines omitted ...]"]  # the newest section goes last


def test_empty_output_and_errors_are_spelled_out():
    collection = join_sections([Section(label="quiet"), Section(label="broken", error="cannot run 'x'")], WindowConfig())

    assert collection.logs_text == "[quiet]\n(no output)\n\n[broken]\n[error: cannot run 'x']"


def test_fair_shares_give_small_sizes_all_and_split_the_rest():
    assert fair_shares([1000, 10, 60], 100) == [45, 10, 45]
    assert fair_shares([5, 5], 100) == [5, 5]
    assert fair_shares([7, 7, 7], -3) == [0, 0, 0]
    assert sum(fair_shares([100, 100, 100], 100)) == 100
