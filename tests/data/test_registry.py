"""The registry itself: entries, licences, bundled samples, missing data, BYO entries, hub fallback offline."""

from __future__ import annotations

import pytest

from medtune.data.info import availability, dataset_summary, licence_warning, list_dataset_rows
from medtune.data.registry import get_dataset, list_datasets, load_records
from medtune.errors import ConfigError, NotAvailableError
from medtune.settings import BUNDLED_DATA_DIR, get_settings

BRIEF_DATASETS = {
    "pubmedqa", "medqa", "medquad", "pubhealth", "healthver", "healthfc", "medhallu", "scifact",
    "covid_fake_news", "meddialog", "covid_dialogue_en", "drug_reviews", "drug_reviews_explabox", "druglib",
    "dailymed_labels", "covid_tweets_sentiment", "medmcqa", "bioasq_yn", "mmlu_medical",
    "patient_experience", "i2b2",
}


def test_every_dataset_in_the_brief_is_registered() -> None:
    assert BRIEF_DATASETS <= {spec.name for spec in list_datasets()}


def test_every_entry_names_licence_citation_and_valid_tasks() -> None:
    for spec in list_datasets():
        assert spec.licence and spec.citation, spec.name
        assert spec.default_task in spec.tasks


def test_unknown_dataset_lists_what_exists() -> None:
    with pytest.raises(ConfigError, match="registered: .*pubmedqa"):
        get_dataset("pubmed_qa_typo")


def test_non_commercial_dataset_warns_and_is_never_shipped() -> None:
    spec = get_dataset("healthfc")
    assert spec.non_commercial and not spec.shippable
    assert "non-commercial" in licence_warning(spec)
    assert not (BUNDLED_DATA_DIR / "healthfc").exists()


def test_bundled_samples_carry_their_licence_notes() -> None:
    for spec in list_datasets():
        folder = BUNDLED_DATA_DIR / spec.folder_name
        if folder.is_dir():
            assert (folder / "PROVENANCE.md").is_file(), spec.name


def test_bundled_samples_work_without_a_data_dir(monkeypatch) -> None:
    monkeypatch.setenv("MEDTUNE_DATA_DIR", "")
    get_settings.cache_clear()
    assert availability(get_dataset("covid_fake_news")) == "sample"
    assert 0 < len(load_records("covid_fake_news", "train")) < 6_420
    summary = dataset_summary("pubmedqa")
    assert all(s["sample"] for s in summary["splits"])


def test_missing_local_file_without_hub_says_how_to_get_it(monkeypatch) -> None:
    with pytest.raises(NotAvailableError) as err:
        load_records("drug_reviews", "train")
    assert "drugsComTrain_raw.tsv" in err.value.hint and "UCI" in err.value.hint


def test_hub_fallback_fails_fast_offline(monkeypatch) -> None:
    with pytest.raises(NotAvailableError, match="offline"):
        load_records("medqa", "train")


def test_bring_your_own_entries_are_listed_as_such() -> None:
    rows = {r["name"]: r for r in list_dataset_rows()}
    assert rows["i2b2"]["availability"] == "bring your own"
    assert rows["patient_experience"]["availability"] == "bring your own"


def test_pubhealth_tsv_loader_on_a_file_in_its_release_format(tmp_path, monkeypatch) -> None:
    folder = tmp_path / "pubhealth"
    folder.mkdir()
    header = "claim_id\tclaim\tdate_published\texplanation\tfact_checkers\tmain_text\tsources\tlabel\tsubjects\n"
    rows = [
        "15661\tVitamin C cures COVID-19.\t2020-03-01\tNo trial shows this.\tSnopes\tText\thttp://x\tfalse\tHealth\n",
        "9893\tMasks reduce spread.\t2020-06-01\tStudies support it.\tPolitiFact\tText\thttp://y\ttrue\tHealth\n",
        "11358\tGarlic lowers blood pressure a lot.\t2019-01-01\tSmall effect only.\tHealthNewsReview\tT\t\tmixture\tDiet\n",
        "7001\tNew pill reverses ageing.\t2019-02-01\tNo evidence yet.\tSnopes\tT\t\tunproven\tAge\n",
    ]
    (folder / "train.tsv").write_text(header + "".join(rows), encoding="utf-8")
    monkeypatch.setenv("MEDTUNE_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    from medtune.data.examples import load_examples

    examples = load_examples("pubhealth", "train")
    assert [e.label for e in examples] == ["false", "true", "misleading", "misleading"]
    assert examples[0].text_pair == "No trial shows this."


def test_uci_drug_reviews_rating_maps_to_three_classes_and_five_levels(tmp_path, monkeypatch) -> None:
    folder = tmp_path / "drug_reviews"
    folder.mkdir()
    (folder / "drugsComTrain_raw.tsv").write_text(
        "\tdrugName\tcondition\treview\trating\tdate\tusefulCount\n"
        '206461\tValsartan\tLeft Ventricular Dysfunction\t"""It has no side effect."""\t9.0\tMay 20, 2012\t27\n'
        '95260\tGuanfacine\tADHD\t"""Made me dizzy and tired."""\t2.0\tApril 27, 2010\t192\n'
        '92703\tLybrel\tBirth Control\t"""It was okay, some spotting."""\t5.0\tDecember 14, 2009\t17\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("MEDTUNE_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    from medtune.data.examples import load_examples

    assert [e.label for e in load_examples("drug_reviews", "train", "sentiment")] == ["positive", "negative", "neutral"]
    assert [e.label for e in load_examples("drug_reviews", "train", "intensity")] == [
        "very_positive", "very_negative", "neutral"]
    assert load_examples("drug_reviews", "train")[0].text == "It has no side effect."
