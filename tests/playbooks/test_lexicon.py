"""How search reads text: stems, synonym phrases, ignored words, the built-in vocabulary."""

from __future__ import annotations

from app.load.models import to_model
from app.load.yamlsource import parse_yaml
from app.playbooks.lexicon import BUILTIN_FILE, Lexicon, builtin_vocabulary
from app.spec.vocabulary import SearchVocabulary, words


def vocabulary(*groups: list[str], ignore: list[str] | None = None) -> SearchVocabulary:
    return SearchVocabulary.model_validate(
        {
            "apiVersion": "cxgov/v1",
            "kind": "SearchVocabulary",
            "metadata": {"id": "v", "title": "V"},
            "spec": {"synonyms": [list(g) for g in groups], "ignore": ignore or []},
        }
    )


def test_the_builtin_vocabulary_is_a_valid_document_with_no_warnings() -> None:
    [document], problems = parse_yaml(BUILTIN_FILE.read_bytes(), "vocabulary.yaml")
    assert problems == []
    model, problems = to_model(SearchVocabulary, document, "vocabulary.yaml")
    assert problems == [] and model == builtin_vocabulary()
    phrases = [" ".join(words(p)) for group in model.spec.synonyms for p in group]
    assert len(phrases) == len(set(phrases)), "a phrase in two groups joins them"


def test_words_drop_apostrophes_and_case() -> None:
    assert words("Didn't CALL back—e-mail’s") == ["didnt", "call", "back", "e", "mails"]


def test_stems_in_the_programs_language() -> None:
    english = Lexicon([], language="en")
    assert [t.stem for t in english.tokens("called calling calls")] == ["call"] * 3
    german = Lexicon([], language="de-AT")
    assert [t.stem for t in german.tokens("Rückrufe Rückruf")] == [german.stem("rückruf")] * 2
    assert Lexicon([], language="xx").stem("calling") == "calling"  # no stemmer: whole words


def test_a_phrase_is_found_on_stems_and_covers_its_words() -> None:
    lexicon = Lexicon([vocabulary(["callback", "call back", "didn't call"])])
    stems = [t.stem for t in lexicon.tokens("They never called back, they didn't call")]
    found = lexicon.concepts(stems)
    assert [(c.concept.name, c.start, c.end) for c in found] == [
        ("callback", 2, 4),
        ("callback", 5, 7),
    ]


def test_the_longest_phrase_wins_at_a_position() -> None:
    lexicon = Lexicon([vocabulary(["call", "phone"], ["call back", "callback"])])
    [found] = lexicon.concepts([t.stem for t in lexicon.tokens("call back")])
    assert found.concept == lexicon.phrases[("callback",)] and (found.start, found.end) == (0, 2)
    assert found.concept.name == "call back"  # a group is named by its first phrase


def test_groups_that_share_a_phrase_become_one_concept() -> None:
    lexicon = Lexicon(
        [vocabulary(["refund", "money back"]), vocabulary(["reimburse", "money back"])]
    )
    concepts = {lexicon.phrases[(lexicon.stem(w),)] for w in ("refund", "reimburse")}
    assert len(concepts) == 1


def test_ignored_words_from_every_vocabulary() -> None:
    lexicon = Lexicon([vocabulary(ignore=["please"]), vocabulary(ignore=["Kindly", "don't"])])
    assert lexicon.ignored == {"please", "kindly", "dont"}
