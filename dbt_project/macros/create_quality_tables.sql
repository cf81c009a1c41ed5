{#- The quality checkpoint owns these tables; the warehouse only needs them to
    exist (empty) so the marts can exclude quarantined documents on a first run. -#}
{% macro create_quality_tables() %}
    {% if target.type == 'duckdb' %}
        create schema if not exists quality;
        create table if not exists quality.quarantined_documents (sha256 varchar, reasons varchar);
    {% endif %}
{% endmacro %}
