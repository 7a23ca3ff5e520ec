from __future__ import annotations

from conftest import make_playbook, template, variable

from app.playbooks.checks import check_templates


def codes(findings) -> list[tuple[str, str]]:
    return [(f.code, f.severity) for f in findings]


def test_clean_playbook_has_no_findings() -> None:
    playbook = make_playbook(
        [
            template(
                "Dear {{ customer_name }},\n{% if goodwill %}We offer {{ goodwill|trim }}.{% endif %}",
                subject="Case {{ case_id|upper }}",
            )
        ],
        [variable("customer_name"), variable("case_id"), variable("goodwill", required=False)],
    )
    assert check_templates(playbook) == []


def test_syntax_error_reports_its_line_inside_the_text() -> None:
    playbook = make_playbook(
        [template("Dear {{ customer_name }},\n\nthanks\n{% if customer_name %}\nno end")]
    )
    [finding] = check_templates(playbook)
    assert finding.code == "template-syntax" and finding.severity == "error"
    assert finding.path == ("spec", "templates", 0, "body")
    assert finding.line_offset == 3  # the unclosed `if` opens on the fourth line of the text
    assert "endif" in finding.message


def test_syntax_error_in_the_middle_of_a_text() -> None:
    playbook = make_playbook(
        [template("Dear {{ customer_name }},\n\nyour {{ customer_name }\nthanks")]
    )
    [finding] = check_templates(playbook)
    assert (finding.code, finding.line_offset) == ("template-syntax", 2)


def test_syntax_error_in_subject_points_at_subject() -> None:
    playbook = make_playbook(
        [template("Dear {{ customer_name }}", subject="Case {{ customer_name ")]
    )
    [finding] = check_templates(playbook)
    assert finding.path == ("spec", "templates", 0, "subject")
    assert finding.line_offset == 0


def test_undeclared_variable_is_an_error_on_its_line() -> None:
    playbook = make_playbook(
        [template("Dear {{ customer_name }},\n\nyour order {{ order_id }} is late")]
    )
    [finding] = check_templates(playbook)
    assert codes([finding]) == [("template-undeclared-variable", "error")]
    assert finding.line_offset == 2
    assert "'order_id'" in finding.message
    assert "customer_name" in (finding.hint or "")


def test_unused_variable_is_a_warning_on_the_declaration() -> None:
    playbook = make_playbook(
        [template("Dear {{ customer_name }}")], [variable("customer_name"), variable("refund")]
    )
    [finding] = check_templates(playbook)
    assert codes([finding]) == [("template-unused-variable", "warning")]
    assert finding.path == ("spec", "variables", 1, "name")


def test_a_variable_used_only_in_another_locale_counts_as_used() -> None:
    playbook = make_playbook(
        [
            template("Dear {{ customer_name }}"),
            template("Hallo {{ customer_name }}, {{ refund }}", locale="de"),
        ],
        [variable("customer_name"), variable("refund")],
    )
    assert check_templates(playbook) == []


def test_unused_warnings_are_withheld_while_a_template_does_not_parse() -> None:
    playbook = make_playbook(
        [template("Dear {{ customer_name ")], [variable("customer_name"), variable("x")]
    )
    assert codes(check_templates(playbook)) == [("template-syntax", "error")]


def test_duplicate_id_and_locale_is_an_error() -> None:
    playbook = make_playbook(
        [
            template("Dear {{ customer_name }}"),
            template("Hallo {{ customer_name }}", locale="de"),
            template("Hi {{ customer_name }}", channel="chat"),
        ]
    )
    [finding] = check_templates(playbook)
    assert codes([finding]) == [("template-duplicate", "error")]
    assert finding.path == ("spec", "templates", 2, "id")


def test_forbidden_constructs_are_errors_with_lines() -> None:
    body = "\n".join(
        [
            "{{ customer_name.__class__ }}",
            "{{ customer_name['x'] }}",
            "{{ customer_name.upper() }}",
            "{{ customer_name|attr('__class__') }}",
            "{% for c in customer_name %}{{ c }}{% endfor %}",
            "{% set x = 1 %}",
            "{{ customer_name * 3 }}",
            "{{ self }}",
            "{{ '%s' % customer_name }}",
            "{% include 'other' %}",
        ]
    )
    findings = [
        f
        for f in check_templates(make_playbook([template(body)]))
        if f.code == "template-forbidden"
    ]
    assert sorted({f.line_offset for f in findings}) == list(range(10))
    assert all(f.severity == "error" and f.hint for f in findings)
    messages = " ".join(f.message for f in findings)
    for words in (
        "attribute access",
        "item access",
        "call",
        "filter `attr`",
        "`for` loop",
        "`set`",
        "arithmetic",
        "`self`",
        "`include`",
    ):
        assert words in messages


def test_jinja_internal_names_are_not_reported_twice() -> None:
    playbook = make_playbook([template("Dear {{ customer_name }} {{ lipsum }}")])
    assert codes(check_templates(playbook)) == [("template-forbidden", "error")]
