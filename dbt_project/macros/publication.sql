{#- Per-table publication (docs/quality.md): the quality checkpoint withholds a table
    that failed a blocking check of its own, or a cross-table check it takes part in,
    in quality.quarantined_tables; the document's other tables publish. Every fact
    reads its printed rows through this filter (documents withheld whole are left out
    by their join to dim_document's reportable documents). The columns are renamed
    inside so the outer row's document_sha256 / table_index bind to the outer row. -#}
{% macro is_published_table(sha256_column='document_sha256', table_index_column='table_index') -%}
    not exists (
        select 1
        from (
            select document_sha256 as withheld_sha256, table_index as withheld_table_index
            from {{ ref('stg_quality__quarantined_tables') }}
        ) as withheld_table
        where withheld_table.withheld_sha256 = {{ sha256_column }}
            and withheld_table.withheld_table_index = {{ table_index_column }}
    )
{%- endmacro %}

{#- Per region × fiscal year × document type: how many documents the quality gate kept
    out of a regional sum of `table_kind` figures: reportable documents whose table of
    that kind was withheld, and documents withheld whole (parsed, placed in a region)
    whose department has no reportable document for that year and type. -#}
{% macro documents_withheld_from(table_kind) -%}
    select region_code, fiscal_year, doc_type, count(distinct document_sha256) as n_documents_withheld
    from {{ ref('dim_document') }} as document
    where region_code is not null
        and (
            (is_reportable and list_contains(withheld_table_kinds, '{{ table_kind }}'))
            or (publication_status = 'withheld' and parse_status = 'ok' and not exists (
                select 1 from {{ ref('dim_document') }} as reported
                where reported.is_reportable
                    and reported.department_key = document.department_key
                    and reported.fiscal_year = document.fiscal_year
                    and reported.doc_type = document.doc_type))
        )
    group by region_code, fiscal_year, doc_type
{%- endmacro %}

{#- The documents dim_document lists: a parse that found no budget disclosure (not_budget: a
    notice, a performance-target form, a report …) is no document there; the run report and
    raw layer list it. -#}
{% macro is_document_of_the_marts(parse_status='parse_status') -%}
    {{ parse_status }} is distinct from 'not_budget'
{%- endmacro %}

{#- The versions of one disclosure: a department's budget (or final account) of one year; the
    latest posting of a group is the one reported (dim_document.version_rank). A document
    placed in no department is a group of its own. -#}
{% macro version_group(alias=none) -%}
    {%- set prefix = alias ~ '.' if alias else '' -%}
    coalesce({{ prefix }}department_key, {{ prefix }}document_sha256)
{%- endmacro %}
