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

{#- ---------------------------------------------------------------------------------------------
    Facts and analyst marts on a delta night. A fact row belongs to one document, but whether a
    document reaches the facts is decided across documents: the latest version of a department-
    year wins (dim_document.version_rank), so a new, re-parsed or gone document can bring another
    document of its department-year in or take it out. int_delta_scope lists every document the
    night can touch this way (the delta's documents and every document of their department-years,
    as they are now and as the published build had them) with its department, region, year and
    type. The facts replace exactly those documents' rows; the analyst marts replace the
    department-years and region-years they cover (and the next year's, whose change on the
    previous year they feed). Without a delta (a plain or a full build) everything is rebuilt.
    ------------------------------------------------------------------------------------------ -#}

{#- true when this run was given the night's delta (whatever the materialisation of the model) -#}
{% macro delta_requested() %}
    {{ return(var('delta_documents_file', none) is not none) }}
{% endmacro %}

{#- the night's documents as a relation (document_sha256); empty without a delta -#}
{% macro delta_documents_relation() -%}
    {%- set documents = delta_documents() if delta_requested() else [] -%}
    {%- if documents -%}
        select unnest(['{{ documents | join("', '") }}']) as document_sha256
    {%- else -%}
        select cast(null as varchar) as document_sha256 where false
    {%- endif -%}
{%- endmacro %}

{#- `ref('int_delta_scope')`, called unconditionally so dbt records the dependency at parse time -#}
{% macro delta_scope() %}
    {{ return(ref('int_delta_scope')) }}
{% endmacro %}

{#- predicate: the row's document is in the night's scope (true when not reading a delta) -#}
{% macro in_delta_scope(column='document_sha256') -%}
    {%- set scope = delta_scope() -%}
    {%- if reads_delta() -%}
        {{ column }} in (select document_sha256 from {{ scope }})
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- predicate: the row's group (`columns`: scope column -> the row's expression; fiscal_year among
    them) is one the night touched, or the year after one (`year_shifts`: 0 = the touched year,
    1 = the next, -1 = the previous). True when not reading a delta. -#}
{% macro in_delta_groups(columns, year_shifts=[0]) -%}
    {%- set scope = delta_scope() -%}
    {%- if reads_delta() -%}
        exists (
            select 1
            from (
                select distinct {% for column in columns if column != 'fiscal_year' %}{{ column }}, {% endfor -%}
                    fiscal_year + shift as fiscal_year
                from {{ scope }}, (select unnest({{ year_shifts }}) as shift)
            ) as touched
            where {% for column, expression in columns.items() -%}
                touched.{{ column }} is not distinct from {{ expression }}{{ " and " if not loop.last }}
            {%- endfor %})
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- pre-hook of an incremental fact or mart: remove the rows the night recomputes (`predicate`,
    over the target's columns as `target.<column>`); every row when not reading a delta (a plain
    build rebuilds in place) -#}
{% macro delete_delta_scope(predicate) %}
    {%- if is_incremental() -%}
        {%- if reads_delta() -%}
            delete from {{ this }} as target where {{ predicate }}
        {%- else -%}
            delete from {{ this }}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}
