{#- The quality checkpoint owns these tables (expectations/checkpoint.py RESULTS_DDL,
    same columns); the warehouse only needs them to exist (empty) so the marts can
    exclude withheld documents and tables on a first run. -#}
{% macro create_quality_tables() %}
    {% if target.type == 'duckdb' %}
        create schema if not exists quality;
        create table if not exists quality.quarantined_documents (sha256 varchar, reasons varchar);
        create table if not exists quality.quarantined_tables (
            sha256 varchar, table_index integer, table_kind varchar, reasons varchar, run_id varchar);
        create table if not exists quality.expectation_results (
            run_id varchar, sha256 varchar, suite varchar, expectation varchar, severity varchar,
            passed boolean, observed json, message varchar, checked_at timestamptz,
            table_index integer, other_table_index integer, scope varchar);
        alter table quality.expectation_results add column if not exists table_index integer;
        alter table quality.expectation_results add column if not exists other_table_index integer;
        alter table quality.expectation_results add column if not exists scope varchar;
    {% endif %}
{% endmacro %}
