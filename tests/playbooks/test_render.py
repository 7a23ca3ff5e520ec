from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import make_playbook, template, variable

from app.playbooks.render import RenderError, choose_template, render_template, template_locales
from app.spec.playbook import Playbook

REPO = Path(__file__).resolve().parents[2]

VARIABLES = [variable("customer_name"), variable("case_id"), variable("goodwill", required=False)]
BODY_EN = "Dear {{ customer_name }},\nyour case {{ case_id }}.\n{% if goodwill %}We offer {{ goodwill }}.\n{% endif %}Bye"


def playbook_in(*locales: str) -> Playbook:
    return make_playbook(
        [
            template(BODY_EN.replace("Dear", f"[{loc}]"), locale=loc, subject="Case {{ case_id }}")
            for loc in locales
        ],
        VARIABLES,
    )


FILLED = {"customer_name": "Ms Weber", "case_id": "NW-1"}


def test_renders_requested_locale_with_subject_and_says_so() -> None:
    rendered = render_template(
        playbook_in("en", "de"), "note", FILLED, locale="de", default_locale="en"
    )
    assert rendered.subject == "Case NW-1"
    assert rendered.body == "[de] Ms Weber,\nyour case NW-1.\nBye"
    assert (rendered.locale_used, rendered.fell_back, rendered.channel) == ("de", False, "email")
    assert "de" in rendered.note and "requested" in rendered.note


def test_missing_locale_falls_back_to_program_default() -> None:
    rendered = render_template(
        playbook_in("de", "en"), "note", FILLED, locale="fr", default_locale="en"
    )
    assert (rendered.locale_used, rendered.fell_back) == ("en", True)
    assert rendered.body.startswith("[en]")
    assert "fr" in rendered.note and "default" in rendered.note


def test_regional_locale_uses_same_language_first() -> None:
    rendered = render_template(
        playbook_in("en", "de"), "note", FILLED, locale="de-AT", default_locale="en"
    )
    assert (rendered.locale_used, rendered.fell_back) == ("de", True)
    assert "same language" in rendered.note


def test_no_requested_or_default_locale_uses_any_and_says_which() -> None:
    rendered = render_template(playbook_in("nl"), "note", FILLED, locale="fr", default_locale="en")
    assert (rendered.locale_used, rendered.fell_back) == ("nl", True)
    assert "nl" in rendered.note and "en" in rendered.note


def test_no_locale_requested_means_program_default_without_fallback() -> None:
    rendered = render_template(
        playbook_in("de", "en"), "note", FILLED, locale=None, default_locale="en"
    )
    assert (rendered.locale_used, rendered.fell_back, rendered.requested_locale) == (
        "en",
        False,
        None,
    )


def test_optional_variable_renders_empty_and_given_optional_shows() -> None:
    bare = render_template(playbook_in("en"), "note", FILLED, locale="en", default_locale="en")
    assert "offer" not in bare.body
    filled = render_template(
        playbook_in("en"),
        "note",
        {**FILLED, "goodwill": "a free month"},
        locale="en",
        default_locale="en",
    )
    assert "We offer a free month." in filled.body


@pytest.mark.parametrize(
    "values", [{"case_id": "NW-1"}, {"case_id": "NW-1", "customer_name": "   "}]
)
def test_missing_required_variable_is_named(values: dict[str, str]) -> None:
    with pytest.raises(RenderError) as error:
        render_template(playbook_in("en"), "note", values, locale="en", default_locale="en")
    assert "missing required variable: customer_name" in str(error.value)
    assert "the customer_name" in str(
        error.value
    )  # its description, so the agent knows what to fill in


def test_several_missing_variables_are_all_named() -> None:
    with pytest.raises(RenderError, match="missing required variables: case_id, customer_name"):
        render_template(playbook_in("en"), "note", {}, locale="en", default_locale="en")


def test_required_variable_the_template_does_not_use_is_not_demanded() -> None:
    playbook = make_playbook(
        [template("Hi {{ customer_name }}")], [variable("customer_name"), variable("refund")]
    )
    assert (
        render_template(
            playbook, "note", {"customer_name": "Jo"}, locale="en", default_locale="en"
        ).body
        == "Hi Jo"
    )


def test_placeholders_show_missing_required_variables_for_a_live_preview() -> None:
    rendered = render_template(
        playbook_in("en"),
        "note",
        {"case_id": "NW-1"},
        locale="en",
        default_locale="en",
        placeholders=True,
    )
    assert rendered.body.startswith("[en] [customer_name],")


def test_unknown_variable_and_unknown_template_are_clear_errors() -> None:
    with pytest.raises(
        RenderError, match="unknown variable customer: playbook 'late_delivery' declares case_id"
    ):
        render_template(
            playbook_in("en"), "note", {**FILLED, "customer": "x"}, locale="en", default_locale="en"
        )
    with pytest.raises(RenderError, match="has no template 'nope'; its templates: note"):
        render_template(playbook_in("en"), "nope", FILLED, locale="en", default_locale="en")


def test_values_are_text_not_template_code() -> None:
    rendered = render_template(
        playbook_in("en"),
        "note",
        {"customer_name": "{{ 7*7 }}{% if 1 %}", "case_id": "<b>"},
        locale="en",
        default_locale="en",
    )
    assert rendered.body.startswith("[en] {{ 7*7 }}{% if 1 %},\nyour case <b>.")


def test_output_size_limit() -> None:
    playbook = make_playbook([template("{{ customer_name }}{{ customer_name }}")])
    with pytest.raises(RenderError, match="longer than 1,000 characters"):
        render_template(
            playbook,
            "note",
            {"customer_name": "x" * 600},
            locale="en",
            default_locale="en",
            max_chars=1_000,
        )


def test_template_locales_and_choice_helpers() -> None:
    playbook = playbook_in("en", "de")
    assert template_locales(playbook, "note") == ["en", "de"]
    chosen, note = choose_template(playbook, "note", locale="de", default_locale="en")
    assert chosen.locale == "de" and note


def test_real_service_recovery_email_in_english_and_german() -> None:
    path = REPO / "playbooks" / "service-recovery.yaml"
    playbook = Playbook.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    values = {v.name: v.example or "" for v in playbook.spec.variables}
    english = render_template(playbook, "apology_remedy", values, locale="en", default_locale="en")
    german = render_template(playbook, "apology_remedy", values, locale="de", default_locale="en")
    assert english.subject == "Your case NW-482913: our apology and how we are putting it right"
    assert english.body.startswith("Dear Ms Weber,\n")
    assert (
        "we would like to offer you one month of your subscription free of charge." in english.body
    )
    assert (
        german.subject == "Ihr Fall NW-482913: unsere Entschuldigung und wie wir es wiedergutmachen"
    )
    assert (
        german.body.startswith("Guten Tag Ms Weber,\n")
        and "Mit freundlichen Grüßen\nPriya Nair" in german.body
    )
    assert not english.fell_back and not german.fell_back
    without_goodwill = render_template(
        playbook, "apology_remedy", {**values, "goodwill": ""}, locale="de", default_locale="en"
    )
    assert "Als Dank" not in without_goodwill.body
