{#- The function and economic classification hierarchies are built the same
    way around their own placement rules (validity, levels, parents): the codes
    of an edition (fiscal year) are those the documents print plus the curated
    类 / 款 list, and a code is named as the documents print it, else by the
    curated list. `observed` is int_classification_codes_observed for one
    classification, `curated` its seed. -#}

{#- every (fiscal_year, code) of the classification -#}
{% macro classification_codes(observed, curated) -%}
    select fiscal_year, code from {{ observed }}
    union
    select editions.fiscal_year, curated.code
    from (select distinct fiscal_year from {{ observed }}) as editions
    cross join {{ curated }} as curated
{%- endmacro %}

{#- the `placed` codes with their name and where it came from -#}
{% macro name_classification_codes(placed, observed, curated) -%}
    select
        {{ placed }}.*,
        coalesce(observed.name_in_documents, curated.name) as class_name,
        case when observed.name_in_documents is not null then 'documents' else 'curated' end as name_source,
        curated.code is not null as is_curated,
        curated.name as curated_name,
        coalesce(observed.n_rows, 0) as n_rows_in_documents
    from {{ placed }}
    left join {{ observed }} as observed using (fiscal_year, code)
    left join {{ curated }} as curated using (code)
{%- endmacro %}
