"""Orchestration: the package above the stages that runs them (docs/architecture.md).

    pipeline.py      what each DAG task does (one stage function each), the run journal
    callbacks.py     the DAG's Airflow failure callback (journal, then webhook)
    report.py        the run report, from the journal, the manifest and the warehouse
    warehouse.py     the dbt runner (dbt_build, `countybudget build`)
    publish.py       the atomic serving copy (`countybudget publish`)
    pipeline_cli.py  `countybudget run`: the DAG once, with real Airflow
    cli.py           the `countybudget` command line
    plugins.py       extensions found through entry points (the testkit, the benchmarks)

It imports the core and the stages; ``dags/`` imports only this package.
"""
