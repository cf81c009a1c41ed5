"""The benchmarks: speed, memory and accuracy targets, measured (``make bench``).

Not part of the product: the image leaves them out and product code never
imports them (tests/test_import_graph.py). ``countybudget eval`` and
``countybudget bench`` come from ``benchmarks.cli`` through an entry point.

    runner.py        countybudget bench: every benchmark below, one report
    parse_eval.py    countybudget eval: the parser scored on the corpus (and the function table on real PDFs)
    real_documents.py countybudget eval --real: the whole chain on real documents, what reaches the marts
    parse_bench.py   parser throughput against naive pdfplumber, peak memory
    crawl_bench.py   a full crawl of the mirror, then an incremental one
    dbt_bench.py     dbt build on the corpus and on a 5,000-document scale corpus
    quality_bench.py GX checkpoint time against dbt build time
    pipeline_bench.py the whole nightly run, full and incremental
"""
