"""Every dataset medtune knows: one `register(DatasetSpec(...))` each.

Folder names match `../shared/data`. Licences and citations are those of each PROVENANCE.md.
Adding a dataset is one converter in `converters.py` and one entry here.
"""

from medtune.data.registry import DatasetSpec, register

C = "medtune.data.converters:"

CLAIM3 = {"SUPPORTS": "supported", "REFUTES": "refuted", "NEUTRAL": "not_enough_info",
          "SUPPORTED": "supported", "REFUTED": "refuted", "NOT_ENOUGH_INFO": "not_enough_info",
          "SUPPORT": "supported", "CONTRADICT": "refuted"}
FIVE_TO_THREE = {"Extremely Negative": "negative", "Negative": "negative", "Neutral": "neutral",
                 "Positive": "positive", "Extremely Positive": "positive"}
FIVE_LEVELS = {"Extremely Negative": "very_negative", "Negative": "negative", "Neutral": "neutral",
               "Positive": "positive", "Extremely Positive": "very_positive"}

register(DatasetSpec(
    name="pubmedqa", title="PubMedQA (PQA-L, expert-labelled)", record_kind="qa",
    tasks=("qa_decision", "sft"), default_task="qa_decision", converter=C + "pubmedqa",
    use_cases=("hallucination",),
    files={"train": "train.jsonl", "dev": "dev.jsonl", "test": "test_inputs_unlabeled.jsonl"},
    unlabeled_splits=("test",),
    hub_id="qiaojin/PubMedQA", hub_config="pqa_labeled", hub_splits={"all": "train"},
    official_splits={"test": "the official 500 test PMIDs (test_ground_truth.json); train/dev are a seeded split of the other 500"},
    licence="MIT", citation="Jin et al. PubMedQA: A Dataset for Biomedical Research Question Answering. EMNLP 2019.",
    description="Biomedical research questions answered yes / no / maybe from a PubMed abstract, with a long answer.",
))
register(DatasetSpec(
    name="medquad", title="MedQuAD (NIH trusted-source QA; 'MedicineQuAD')", record_kind="qa",
    tasks=("sft",), default_task="sft", converter=C + "medquad", use_cases=("chatbot", "hallucination"),
    files={"all": "medquad.jsonl"}, hub_id="lavita/MedQuAD", hub_splits={"all": "train"},
    licence="CC BY 4.0",
    citation="Ben Abacha & Demner-Fushman. A Question-Entailment Approach to Question Answering. BMC Bioinformatics 2019.",
    description="16,407 question–answer pairs from NIH, CDC and NCI pages; the chatbot's trusted knowledge base.",
))
register(DatasetSpec(
    name="medqa", title="MedQA-USMLE 4-option (MIRAGE)", record_kind="mcq", folder="mirage",
    tasks=("mcq",), default_task="mcq", converter=C + "mcq", use_cases=("hallucination",),
    files={"test": "medqa_us_test_inputs_unlabeled.jsonl"}, unlabeled_splits=("test",),
    hub_id="GBaker/MedQA-USMLE-4-options", hub_splits={"train": "train", "test": "test"},
    official_splits={"test": "the official US 4-option test set (1,273 questions)"},
    licence="MIT", citation="Jin et al. What Disease does this Patient Have? arXiv:2009.13081; Xiong et al. MIRAGE, ACL Findings 2024.",
    description="USMLE-style multiple-choice questions, 4 options.",
))
register(DatasetSpec(
    name="medmcqa", title="MedMCQA dev (MIRAGE)", record_kind="mcq", folder="mirage",
    tasks=("mcq",), default_task="mcq", converter=C + "mcq", use_cases=("hallucination",),
    files={"dev": "medmcqa_dev.jsonl"}, licence="MIT",
    citation="Pal et al. MedMCQA. CHIL 2022.", description="Indian medical entrance exam questions, 4 options.",
))
register(DatasetSpec(
    name="bioasq_yn", title="BioASQ yes/no (MIRAGE)", record_kind="mcq", folder="mirage",
    tasks=("mcq",), default_task="mcq", converter=C + "mcq", use_cases=("hallucination",),
    files={"test": "bioasq_yn_test_inputs_unlabeled.jsonl"}, unlabeled_splits=("test",),
    licence="BioASQ terms (research only)", citation="Tsatsaronis et al. BioASQ. BMC Bioinformatics 2015.",
    description="Biomedical yes/no questions (Task 7–11 B).",
))
register(DatasetSpec(
    name="mmlu_medical", title="MMLU medical subsets (MIRAGE)", record_kind="mcq", folder="mirage",
    tasks=("mcq",), default_task="mcq", converter=C + "mcq", use_cases=("hallucination",),
    files={"test": "mmlu_med_test_inputs_unlabeled.jsonl"}, unlabeled_splits=("test",),
    licence="MIT", citation="Hendrycks et al. Measuring Massive Multitask Language Understanding. ICLR 2021.",
    description="Anatomy, clinical knowledge, college biology/medicine, medical genetics, professional medicine.",
))
register(DatasetSpec(
    name="pubmedqa_star", title="PubMedQA* (question only, MIRAGE)", record_kind="mcq", folder="mirage",
    tasks=("mcq",), default_task="mcq", converter=C + "mcq", use_cases=("hallucination",),
    files={"test": "pubmedqa_star_test_inputs_unlabeled.jsonl"}, unlabeled_splits=("test",),
    licence="MIT", citation="Xiong et al. MIRAGE, ACL Findings 2024.",
    description="The PubMedQA test questions without their abstracts (RAG evaluation).",
))
register(DatasetSpec(
    name="covid_fake_news", title="COVID-19 Fake News (CONSTRAINT 2021)", record_kind="claim",
    tasks=("misinformation",), default_task="misinformation", converter=C + "covid_fake_news",
    use_cases=("misinformation",),
    files={"train": "train.jsonl", "val": "val.jsonl", "test": "test_inputs_unlabeled.jsonl"},
    unlabeled_splits=("test",), label_maps={"misinformation": {"real": "true", "fake": "false"}},
    official_splits={"train": "official", "val": "official", "test": "the official CONSTRAINT 2021 test set"},
    licence="research use with citation (no licence in the source repo)",
    citation="Patwa et al. Fighting an Infodemic: COVID-19 Fake News Dataset. CONSTRAINT@AAAI 2021.",
    description="Real and fake COVID-19 social-media posts.",
))
register(DatasetSpec(
    name="healthver", title="HealthVer", record_kind="claim",
    tasks=("claim_verification",), default_task="claim_verification", converter=C + "healthver",
    use_cases=("misinformation", "hallucination"),
    files={"dev": "dev.jsonl", "test": "test_inputs_unlabeled.jsonl"}, unlabeled_splits=("test",),
    label_maps={"claim_verification": CLAIM3}, official_splits={"dev": "official", "test": "official"},
    licence="research use with citation (no licence file)",
    citation="Sarrouti et al. Evidence-based Fact-Checking of Health-related Claims. Findings of EMNLP 2021.",
    description="COVID-19 health claims with an evidence passage: supports / refutes / neutral. No train split here.",
    how_to_get="healthver_train.csv (10,590 pairs) is in github.com/sarrouti/HealthVer",
))
register(DatasetSpec(
    name="healthfc", title="HealthFC (evaluation only)", record_kind="claim",
    tasks=("claim_verification",), default_task="claim_verification", converter=C + "healthfc",
    use_cases=("misinformation",),
    files={"train": "train.jsonl", "dev": "dev.jsonl", "test": "test_inputs_unlabeled.jsonl"},
    unlabeled_splits=("test",), label_maps={"claim_verification": CLAIM3},
    licence="CC BY-NC-ND 4.0", non_commercial=True, shippable=False,
    citation="Vladika, Schneider, Matthes. HealthFC. LREC-COLING 2024.",
    description="Health claims with evidence sentences and a verdict. Non-commercial, no derivatives: evaluation only.",
    how_to_get="github.com/jvladika/HealthFC (Datensatz.csv); never copied into data/",
))
register(DatasetSpec(
    name="scifact", title="SciFact claims", record_kind="claim",
    tasks=("claim_verification",), default_task="claim_verification", converter=C + "scifact",
    use_cases=("misinformation", "hallucination"),
    files={"train": "claims_train.jsonl", "dev": "claims_dev_inputs_unlabeled.jsonl",
           "test": "claims_test_inputs_unlabeled.jsonl"},
    unlabeled_splits=("dev", "test"), label_maps={"claim_verification": CLAIM3},
    hub_id="allenai/scifact", hub_config="claims", hub_splits={"train": "train", "dev": "validation"},
    official_splits={"dev": "the official SciFact dev set (300 claims)"},
    licence="CC BY 4.0 (claims); ODC-By 1.0 (corpus)",
    citation="Wadden et al. Fact or Fiction: Verifying Scientific Claims. EMNLP 2020.",
    description="Scientific claims; the abstract corpus is not available offline, so claims are used alone.",
))
register(DatasetSpec(
    name="pubhealth", title="PUBHEALTH / HealthFact", record_kind="claim",
    tasks=("misinformation",), default_task="misinformation", converter=C + "pubhealth",
    use_cases=("misinformation",),
    files={"train": "train.tsv", "dev": "dev.tsv", "test": "test.tsv"},
    label_maps={"misinformation": {"true": "true", "false": "false", "mixture": "misleading", "unproven": "misleading"}},
    hub_id="ImperialCollegeLondon/health_fact", hub_splits={"train": "train", "dev": "validation", "test": "test"},
    official_splits={"test": "official"}, licence="MIT",
    citation="Kotonya & Toni. Explainable Automated Fact-Checking for Public Health Claims. EMNLP 2020.",
    description="Public-health claims from fact-checking sites: true / false / mixture / unproven.",
    how_to_get="download train/dev/test.tsv from github.com/neemakot/Health-Fact-Checking into pubhealth/",
))
register(DatasetSpec(
    name="medhallu", title="MedHallu (pqa_labeled)", record_kind="answer",
    tasks=("hallucination",), default_task="hallucination", converter=C + "medhallu",
    use_cases=("hallucination",), files={"train": "train.jsonl", "dev": "dev.jsonl"},
    hub_id="UTAustin-AIHealth/MedHallu", hub_config="pqa_labeled",
    official_splits={"test": "held out: the PubMedQA official test PMIDs"},
    licence="MIT", citation="Pandit et al. MedHallu. arXiv:2502.14302, 2025.",
    description="PubMedQA questions with a faithful and a hallucinated answer each.",
))
register(DatasetSpec(name="hallu_mix", title="MedHallu + MedQuAD / PubMedQA distortion pairs", record_kind="answer", tasks=("hallucination",), default_task="hallucination", converter="medtune.data.hallu_mix:record", reader="medtune.data.hallu_mix:read_mix", folder="medhallu", use_cases=("hallucination",), files={"train": "train.jsonl", "dev": "dev.jsonl"}, licence="MIT (MedHallu, PubMedQA); CC BY 4.0 (MedQuAD)", citation="Pandit et al. MedHallu. arXiv:2502.14302, 2025; Jin et al. PubMedQA. EMNLP 2019; Ben Abacha & Demner-Fushman. BMC Bioinformatics 2019.", description="MedHallu train plus faithful / distorted answer pairs built from MedQuAD and PubMedQA train (medtune/data/hallu_mix.py); validation is MedHallu dev."))
register(DatasetSpec(
    name="covid_dialogue_en", title="COVID-Dialogue (MedDialog family, English)", record_kind="dialogue",
    tasks=("sft",), default_task="sft", converter=C + "covid_dialogue", use_cases=("chatbot",),
    files={"all": "dialogues.jsonl"},
    licence="research only; copyright of the source websites",
    citation="Ju et al. CovidDialog. 2020; Chen et al. MedDialog. EMNLP 2020.",
    description="604 English patient–doctor dialogues about COVID-19.",
))
register(DatasetSpec(
    name="meddialog", title="MedDialog-EN (full)", record_kind="dialogue",
    tasks=("sft",), default_task="sft", converter=C + "covid_dialogue", use_cases=("chatbot",),
    files={"all": "dialogues.jsonl"}, licence="research only; copyright of the source websites",
    citation="Chen et al. MedDialog: Large-scale Medical Dialogue Datasets. EMNLP 2020.",
    description="~260k English doctor–patient dialogues, in the same JSONL format as covid_dialogue_en.",
    how_to_get="convert the MedDialog-EN release (github.com/UCSD-AI4H/Medical-Dialogue-System) into meddialog/dialogues.jsonl",
))
register(DatasetSpec(
    name="drug_reviews_explabox", title="Drug reviews, Drugs.com 3-class subset", record_kind="sentiment",
    tasks=("sentiment",), default_task="sentiment", converter=C + "drug_review", use_cases=("sentiment",),
    files={"train": "train.jsonl", "test": "test_inputs_unlabeled.jsonl"}, unlabeled_splits=("test",),
    licence="CC BY 4.0 (UCI)",
    citation="Gräßer et al. Aspect-Based Sentiment Analysis of Drug Reviews. DH 2018.",
    description="Patient drug reviews labelled negative / neutral / positive from their 1–10 rating.",
))
register(DatasetSpec(
    name="drug_reviews", title="Drug reviews, Drugs.com (UCI, full)", record_kind="sentiment",
    tasks=("sentiment", "intensity"), default_task="sentiment", converter=C + "drug_review",
    use_cases=("sentiment",), files={"train": "drugsComTrain_raw.tsv", "test": "drugsComTest_raw.tsv"},
    official_splits={"test": "official"}, licence="CC BY 4.0 (UCI)",
    citation="Gräßer et al. Aspect-Based Sentiment Analysis of Drug Reviews. DH 2018.",
    description="215k reviews with 1–10 ratings → 3-class (≤4 / 5–6 / ≥7) and 5 levels (pairs of stars).",
    how_to_get="download drugsCom_raw.zip from the UCI ML repository (dataset 462) into drug_reviews/",
))
register(DatasetSpec(
    name="druglib", title="Druglib.com reviews (aspect-level)", record_kind="sentiment",
    tasks=("sentiment", "intensity"), default_task="sentiment", converter=C + "druglib", use_cases=("sentiment",),
    files={"train": "train.jsonl", "dev": "dev.jsonl", "test": "test_inputs_unlabeled.jsonl"},
    unlabeled_splits=("test",), official_splits={"test": "official"}, licence="CC BY 4.0 (UCI)",
    citation="Gräßer et al. Aspect-Based Sentiment Analysis of Drug Reviews. DH 2018.",
    description="Benefits / side-effects / comments texts with rating, effectiveness and side-effect levels.",
))
register(DatasetSpec(
    name="covid_tweets_sentiment", title="COVID-19 tweets, 5-class sentiment", record_kind="sentiment",
    tasks=("intensity", "sentiment"), default_task="intensity", converter=C + "covid_tweet",
    use_cases=("sentiment",), files={"train": "train.jsonl", "test": "test_inputs_unlabeled.jsonl"},
    unlabeled_splits=("test",), label_maps={"intensity": FIVE_LEVELS, "sentiment": FIVE_TO_THREE},
    licence="research only (Kaggle dataset, licence not verifiable)",
    citation="Miglani. Coronavirus tweets NLP – Text Classification. Kaggle 2020.",
    description="Tweets labelled Extremely Negative … Extremely Positive.",
))
register(DatasetSpec(
    name="dailymed_labels", title="FDA drug labels (DailyMed / openFDA)", record_kind="document",
    tasks=("sft",), default_task="sft", converter=C + "dailymed_label", use_cases=("chatbot",),
    files={"all": "labels.jsonl"}, licence="public domain (US FDA)",
    citation="U.S. FDA, openFDA drug label API; U.S. NLM, DailyMed.",
    description="Label sections (warnings, interactions, dosage) per drug: reference text for the knowledge base.",
))
register(DatasetSpec(
    name="patient_experience", title="Patient experience surveys / notes (bring your own)", record_kind="sentiment",
    tasks=("sentiment", "intensity"), default_task="sentiment", converter=C + "user_sentiment",
    use_cases=("sentiment",), bring_your_own=True, shippable=False,
    licence="credentialed (NHS survey data use agreement / PhysioNet MIMIC licence)",
    citation="NHS Adult Inpatient Survey; Johnson et al. MIMIC-IV. Scientific Data 2023.",
    description="Free-text patient feedback or notes you are licensed to use; upload with a column mapping.",
    how_to_get="upload a CSV/JSONL on the Datasets page or `medtune data validate FILE --task sentiment --map text=COL`",
))
register(DatasetSpec(
    name="i2b2", title="n2b2 / i2b2 clinical notes (bring your own)", record_kind="sentiment",
    tasks=("sentiment",), default_task="sentiment", converter=C + "user_sentiment",
    use_cases=("sentiment",), bring_your_own=True, shippable=False,
    licence="n2c2 data use agreement (credentialed)",
    citation="Uzuner et al. i2b2/n2c2 shared tasks, Harvard DBMI.",
    description="Credentialed clinical text; never shipped. Upload your own copy with a column mapping.",
    how_to_get="request access at portal.dbmi.hms.harvard.edu, then upload with a column mapping",
))
