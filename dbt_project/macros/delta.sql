{#- The night's delta: the documents whose raw rows changed (new, re-parsed or gone), keyed by
    document_sha256. The orchestrator writes their hashes, one per line, to the file named by the
    var `delta_documents_file` (orchestration.delta). The incremental models of the raw layer's
    per-document rows (staging, int_amounts_yuan; configured in dbt_project.yml) then
    1. delete the rows of those documents (pre-hook `delete_delta_documents`: a re-parse that
       lost a table, or a document gone, leaves nothing behind), and
    2. insert what the raw layer now holds for them (delete+insert on document_sha256).
    Without the var an incremental run treats every document as changed (a full rebuild in
    place); `--full-refresh` rebuilds from scratch. -#}

{% macro delta_documents() %}
    {%- set path = var('delta_documents_file', none) -%}
    {%- if not execute or path is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set rows = run_query("select column0 from read_csv('" ~ (path | replace("'", "''"))
        ~ "', header = false, columns = {'column0': 'varchar'}) where column0 is not null") -%}
    {{ return(rows.columns[0].values() | list) }}
{% endmacro %}

{#- true when this run of an incremental model reads only the delta documents -#}
{% macro reads_delta() %}
    {{ return(is_incremental() and var('delta_documents_file', none) is not none) }}
{% endmacro %}

{#- `where` clause keeping the delta documents' rows (nothing when not reading a delta) -#}
{% macro delta_filter(column='document_sha256') %}
    {%- if reads_delta() -%}
        {%- set documents = delta_documents() -%}
        where {{ column }} in {{ sql_list(documents) if documents else "(select null where false)" }}
    {%- endif -%}
{% endmacro %}

{#- pre-hook: remove the delta documents' rows (all rows, when there is no delta file) -#}
{% macro delete_delta_documents(column='document_sha256') %}
    {%- if is_incremental() -%}
        {%- if reads_delta() -%}
            {%- set documents = delta_documents() -%}
            {%- if documents -%}
                delete from {{ this }} where {{ column }} in {{ sql_list(documents) }}
            {%- endif -%}
        {%- else -%}
            delete from {{ this }}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}

{#- The raw files of the delta documents for one raw table, as a DuckDB list literal of paths;
    none when not reading a delta. Files of documents gone are left out. -#}
{% macro delta_files(glob) %}
    {%- if not reads_delta() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set documents = delta_documents() -%}
    {%- if not documents -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set found = run_query("select file from glob('" ~ glob ~ "') where parse_filename(file, true) in "
        ~ sql_list(documents)) -%}
    {{ return(found.columns[0].values() | list) }}
{% endmacro %}
