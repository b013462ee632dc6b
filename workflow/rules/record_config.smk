# Results of record (record.smk): rule `numbers` writes the headline tables of this configuration's analyses
# (config `record`) with their provenance into results/record/<record.name>/; docs/results/ keeps
# the committed copy that README.md and docs/*.md render (scripts/record.py, scripts/render_pages.py).

RECORD = config["record"]

# analysis -> the result files its record tables are read from
RECORD_INPUTS = {
    "synthetic": ["results/synthetic/claims.tsv", "results/synthetic/replicates.tsv"],
    "table1_rows": [f"{TABLE1_FOLDER}/table1.tsv"],
    "table1_authors_oniv": [f"{TABLE1_FOLDER}/authors_oniv_agreement.tsv"],
    "table1_lambda_curve": [f"{TABLE1_FOLDER}/lambda_curve.tsv"],
    "table1_methods": [
        f"{METHODS_FOLDER}/table.tsv",
        f"{METHODS_FOLDER}/claims.tsv",
        f"{METHODS_FOLDER}/sequence_experiments.tsv",
    ],
    "table1_protocol": [
        f"{TABLE1_FOLDER}/matching.tsv",
        f"{METHODS_FOLDER}/protocol_rows.tsv",
        f"{METHODS_FOLDER}/table.tsv",
    ],
    "multitask": [
        f"{MULTITASK_FOLDER}/claims.tsv",
        f"{MULTITASK_FOLDER}/auc.tsv",
        f"{MULTITASK_FOLDER}/training.tsv",
    ],
}
# analysis -> (config key that must not be empty, what it holds)
RECORD_NEEDS = {
    "synthetic": ("datasets", DATASETS),
    "table1_rows": ("table1.experiments", TABLE1_EXPERIMENTS),
    "table1_authors_oniv": ("table1.experiments", TABLE1_EXPERIMENTS),
    "table1_lambda_curve": ("table1.experiments", TABLE1_EXPERIMENTS),
    "table1_methods": ("table1.experiments", TABLE1_EXPERIMENTS),
    "table1_protocol": ("table1.experiments", TABLE1_EXPERIMENTS),
    "multitask": ("multitask.experiments", MULTITASK_SEEDS),
}


def record_targets(wildcards):
    """One folder of record tables per analysis of ``record.analyses``; an analysis whose
    config key is empty is an error naming the key."""
    empty = [
        f"{analysis} needs config key {RECORD_NEEDS[analysis][0]}"
        for analysis in RECORD["analyses"]
        if not RECORD_NEEDS[analysis][1]
    ]
    if empty:
        raise WorkflowError(
            f"target 'numbers': record.analyses {RECORD['analyses']} of record "
            f"'{RECORD['name']}': {'; '.join(empty)}, which is empty in this config; give the "
            "analysis's config file (e.g. --configfile config/table1.yaml) or set "
            "record.analyses"
        )
    return expand(
        "results/record/{record}/{analysis}",
        record=RECORD["name"],
        analysis=RECORD["analyses"],
    )
