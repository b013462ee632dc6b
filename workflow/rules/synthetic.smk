rule simulate:
    """One synthetic dataset of the paper (section 3): one-hot sequences, labels, planted copies."""
    output:
        dataset="results/synthetic/{dataset}/dataset.npz",
        planted="results/synthetic/{dataset}/planted.tsv",
    log:
        "logs/synthetic/{dataset}/simulate.log",
    benchmark:
        "benchmarks/results/synthetic/{dataset}/simulate.tsv"
    conda:
        "../../envs/deepresolve.yaml"
    resources:
        runtime=10,
        mem_mb=4000,
    params:
        settings=lambda wildcards: config["synthetic"][wildcards.dataset],
        sequence_length=config["synthetic"]["sequence_length"],
        seed=config["seed"],
    script:
        "../../scripts/simulate_dataset.py"
